package parse

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
)

// extractTest is one row of extractTests: a command string and what Parse
// must find in it. Execs, Writes, CodeTexts and Unknowns are compared in
// full, in order, in the compact forms made by fmtExec, fmtWrite, fmtCode.
type extractTest struct {
	name string
	src  string
	// files are readable through Options.ReadFile (paths under /work).
	files map[string]string
	execs []string
	// writes: "kind path" plus " -r" when recursive; "?" marks an unknown path.
	writes []string
	// codes: "lang client from text"; "?" before text marks unknown.
	codes []string
	// unknowns: the kinds, in order.
	unknowns []string
	// confirm runs the row with real bash and logging fakes on PATH.
	confirm bool
}

// fmtExec renders an Exec as "@depth wrapper>wrapper>name arg ?unknownarg"
// with {remote}, {fn} and {del} markers; the depth is left out when 0 and
// an unknown name is "?".
func fmtExec(e Exec) string {
	var b strings.Builder
	if e.Depth > 0 {
		fmt.Fprintf(&b, "@%d ", e.Depth)
	}
	for _, w := range e.Wrappers {
		b.WriteString(w.Name + ">")
	}
	if e.NameKnown {
		if e.Path != "" {
			b.WriteString(e.Path)
		} else {
			b.WriteString(e.Name)
		}
	} else {
		b.WriteString("?")
	}
	for _, a := range e.Args {
		b.WriteByte(' ')
		b.WriteString(fmtWord(a))
	}
	if e.Remote {
		b.WriteString(" {remote}")
	}
	if e.Function {
		b.WriteString(" {fn}")
	}
	if e.Deletes {
		b.WriteString(" {del}")
	}
	return b.String()
}

func fmtWord(a Word) string {
	v := a.Value
	if v == "" || strings.ContainsAny(v, " \t\n\"") {
		v = fmt.Sprintf("%q", v)
	}
	if !a.Known {
		v = "?" + v
	}
	return v
}

func fmtWrite(w Write) string {
	s := string(w.Kind) + " " + fmtWord(w.Path)
	if w.Recursive {
		s += " -r"
	}
	return s
}

func fmtCode(c CodeText) string {
	t := fmt.Sprintf("%q", c.Text)
	if !c.Known {
		t = "?" + t
	}
	return c.Lang + " " + c.Client + " " + c.From + " " + t
}

var extractTests = []extractTest{
	// simple commands and name resolution
	{name: "rm split flags", src: "rm -r -f x", execs: []string{"rm -r -f x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "rm long flags", src: "rm --recursive --force x", execs: []string{"rm --recursive --force x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "absolute path", src: "/bin/rm -rf x", execs: []string{"/bin/rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "backslash name", src: `\rm -rf x`, execs: []string{"rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "quoted names", src: `r''m a; "rm" b; 'rm' c; r"m" d`, execs: []string{"rm a", "rm b", "rm c", "rm d"},
		writes: []string{"delete a", "delete b", "delete c", "delete d"}, confirm: true},
	{name: "relative path", src: "./x/rm y", execs: []string{"./x/rm y"}, writes: []string{"delete y"}},
	{name: "name from variable", src: "$cmd -rf x", execs: []string{"? -rf x"}, unknowns: []string{"command-name"}},
	{name: "name from substitution", src: "$(echo rm) -rf x", execs: []string{"echo rm", "? -rf x"}, unknowns: []string{"command-name"}, confirm: true},
	{name: "name with expansion", src: "${X}rm -rf x", execs: []string{"? -rf x"}, unknowns: []string{"command-name"}},
	{name: "name under quoted home", src: `"$HOME/bin/tool" a`, execs: []string{"$HOME/bin/tool a"}},
	{name: "name glob", src: "/bin/r? x", execs: []string{"? x"}, unknowns: []string{"command-name"}},
	{name: "tilde name", src: "~/bin/tool x", execs: []string{"~/bin/tool x"}},

	// words
	{name: "mentioned only", src: `echo "rm -rf /"`, execs: []string{`echo "rm -rf /"`}, confirm: true},
	{name: "commit message", src: `git commit -m "DROP TABLE"`, execs: []string{`git commit -m "DROP TABLE"`}, confirm: true},
	{name: "grep pattern", src: `grep -rn "push --force" .`, execs: []string{`grep -rn "push --force" .`}},
	{name: "env var unknown", src: "rm -rf $HOME/x", execs: []string{"rm -rf ?$HOME/x"}, writes: []string{"delete ?$HOME/x -r"}},
	{name: "glob word", src: "rm *.o", execs: []string{"rm ?*.o"}, writes: []string{"delete ?*.o"}},
	{name: "quoted glob", src: "find . -name '*.go'", execs: []string{"find . -name *.go"}},
	{name: "bracket alone", src: "[ -f x ] && echo y", execs: []string{"[ -f x ]", "echo y"}},
	{name: "tilde arg", src: "rm ~/x", execs: []string{"rm ?~/x"}, writes: []string{"delete ?~/x"}},
	{name: "tilde in assignment word", src: "echo a=~/x --b=~/y", execs: []string{"echo ?a=~/x --b=~/y"}},
	{name: "brace list", src: "rm -rf {a,b}/c", execs: []string{"rm -rf a/c b/c"}, writes: []string{"delete a/c -r", "delete b/c -r"}, confirm: true},
	{name: "brace sequence", src: "touch f{1..3}", execs: []string{"touch ?f{1..3}"}, writes: []string{"touch ?f{1..3}"}},
	{name: "ansi c quote", src: `echo $'a\tb'`, execs: []string{"echo \"a\\tb\""}},
	{name: "empty argument", src: `rm ""`, execs: []string{`rm ""`}, writes: []string{`delete ""`}},
	{name: "special params", src: "rm $1 $@ $? $$ $RANDOM", execs: []string{"rm ?$1 ?$@ ?$? ?$$ ?$RANDOM"},
		writes: []string{"delete ?$1", "delete ?$@", "delete ?$?", "delete ?$$", "delete ?$RANDOM"}},

	// lists, pipelines, compound commands
	{name: "and list", src: "git status && git push --force", execs: []string{"git status", "git push --force"}, confirm: true},
	{name: "or list and background", src: "a || b & c; d", execs: []string{"a", "b", "c", "d"}},
	{name: "pipeline", src: "a | b |& c", execs: []string{"a", "b", "c"}},
	{name: "subshell and block", src: "(a; b) && { c; d; }", execs: []string{"a", "b", "c", "d"}},
	{name: "if elif else", src: "if a; then b; elif c; then d; else e; fi", execs: []string{"a", "b", "c", "d", "e"}},
	{name: "while until for select", src: "while a; do b; done; until c; do d; done; for i in x; do e; done; select s in y; do f; done; for ((i=0;i<1;i++)); do g; done",
		execs: []string{"a", "b", "c", "d", "e", "f", "g"}},
	{name: "case", src: "case $(a) in $(b)) c ;; *) d ;; esac", execs: []string{"a", "b", "c", "d"}},
	{name: "negation and time", src: "! a; time b | c", execs: []string{"a", "time", "time>b", "time>c"}},
	{name: "coproc", src: "coproc a", execs: []string{"a"}},
	{name: "command substitutions", src: "echo $(a) `b` \"$(c)\" <(d) >(e)", execs: []string{"a", "b", "c", "d", "e", "echo ?$(a) ?`b` ?$(c) ?<(d) ?>(e)"}},
	{name: "substitution in assignment", src: "X=$(rm -rf x)", execs: []string{"rm -rf x"}, writes: []string{"delete x -r"}},
	{name: "substitution in redirect", src: "echo > $(a)", execs: []string{"a", "echo"}, writes: []string{"redirect ?$(a)"}},
	{name: "substitution in heredoc", src: "cat <<EOF\n$(rm -rf x)\nEOF", execs: []string{"rm -rf x", "cat"}, writes: []string{"delete x -r"}},
	{name: "no substitution in quoted heredoc", src: "cat <<'EOF'\n$(rm -rf x)\nEOF", execs: []string{"cat"}},
	{name: "arithmetic", src: "echo $(( $(a) + 1 )); (( $(b) )); let x=$(c)", execs: []string{"a", `echo ?"$(( $(a) + 1 ))"`, "b", "c", "let ?x=$(c)"}},
	{name: "test clause", src: "[[ $(a) == x && -f $(b) ]]", execs: []string{"a", "b"}},
	{name: "param default", src: "echo ${x:-$(rm -rf y)}", execs: []string{"rm -rf y", `echo ?"${x:-$(rm -rf y)}"`}, writes: []string{"delete y -r"}},
	{name: "declare values", src: "declare -x A=$(a); local B=$(b); export C=$(c)", execs: []string{"a", "declare -x ?A=$(a)", "b", "local ?B=$(b)", "c", "export ?C=$(c)"}},
	{name: "function defined and called", src: "f() { rm -rf x; }; f", execs: []string{"rm -rf x", "f {fn}"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "function keyword", src: "function g { a; }; g 1", execs: []string{"a", "g 1 {fn}"}},
	{name: "conditional function", src: "if c; then f() { a; }; fi; f", execs: []string{"c", "a", "f"}},
	{name: "command bypasses function", src: "rm() { :; }; command rm x", execs: []string{":", "command rm x", "command>rm x"}, writes: []string{"delete x"}},

	// assignments
	{name: "literal propagation", src: "X=-rf; rm $X y", execs: []string{"rm -rf y"}, writes: []string{"delete y -r"}, confirm: true},
	{name: "conditional assignment", src: "if c; then X=-rf; fi; rm $X y", execs: []string{"c", "rm ?$X y"}, writes: []string{"delete ?$X", "delete y"}},
	{name: "assignment after and", src: "X=a; c && X=b; rm $X", execs: []string{"c", "rm ?$X"}, writes: []string{"delete ?$X"}},
	{name: "subshell does not leak", src: "X=a; (X=b); rm $X", execs: []string{"rm a"}, writes: []string{"delete a"}, confirm: true},
	{name: "pipeline stage does not leak", src: "X=a; X=b | cat; rm $X", execs: []string{"cat", "rm a"}, writes: []string{"delete a"}},
	{name: "block leaks", src: "{ X=b; }; rm $X", execs: []string{"rm b"}, writes: []string{"delete b"}},
	{name: "loop reassigns", src: "X=a; while c; do rm $X; X=b; done", execs: []string{"c", "rm ?$X"}, writes: []string{"delete ?$X"}},
	{name: "loop keeps stable value", src: "X=a; while c; do rm $X; done", execs: []string{"c", "rm a"}, writes: []string{"delete a"}},
	{name: "for variable", src: "for f in a b; do rm $f; done", execs: []string{"rm ?$f"}, writes: []string{"delete ?$f"}},
	{name: "function changes variable", src: "f() { X=b; }; X=a; f; rm $X", execs: []string{"f {fn}", "rm ?$X"}, writes: []string{"delete ?$X"}},
	{name: "non-literal value", src: "X=$(a); rm $X", execs: []string{"a", "rm ?$X"}, writes: []string{"delete ?$X"}},
	{name: "prefix assignment", src: "X=1 echo $X", execs: []string{"echo ?$X"}},
	{name: "prefix assignment sequential", src: "A=1 B=$A env", execs: []string{"env"}},
	{name: "export and local", src: "export X=-rf; readonly Y=z; rm $X $Y", execs: []string{"export X=-rf", "readonly Y=z", "rm -rf z"}, writes: []string{"delete z -r"}},
	{name: "field splitting", src: `F="-r -f"; rm $F x; rm "$F" y`, execs: []string{"rm -r -f x", `rm "-r -f" y`}, writes: []string{"delete x -r", "delete y -r"}, confirm: true},
	{name: "empty expansion", src: "E=; rm $E x", execs: []string{"rm x"}, writes: []string{"delete x"}},
	{name: "IFS changed", src: "IFS=,; F=a,b; rm $F", execs: []string{"rm ?$F"}, writes: []string{"delete ?$F"}},
	{name: "read makes unknown", src: "X=a; read X; rm $X", execs: []string{"read X", "rm ?$X"}, writes: []string{"delete ?$X"}},
	{name: "append assignment", src: "X=a; X+=b; rm $X", execs: []string{"rm ab"}, writes: []string{"delete ab"}},
	{name: "arithmetic assignment", src: "X=a; (( X=1 )); rm $X", execs: []string{"rm ?$X"}, writes: []string{"delete ?$X"}},
	{name: "eval assigns", src: "eval X=-rf; rm $X y", execs: []string{"eval X=-rf", "rm -rf y"}, writes: []string{"delete y -r"}},
	{name: "unknown eval forgets", src: "X=a; eval \"$S\"; rm $X", execs: []string{`eval ?$S`, "rm ?$X"}, writes: []string{"delete ?$PWD/$X"}, unknowns: []string{"shell-text"}},
	{name: "cd and", src: "cd sub && rm x && rm y; rm z", execs: []string{"cd sub", "rm x", "rm y", "rm z"}, writes: []string{"delete sub/x", "delete sub/y", "delete ?sub/z"}},
	{name: "cd may fail", src: "cd /tmp; rm y; cd a || exit 1; rm b", execs: []string{"cd /tmp", "rm y", "cd a", "exit 1", "rm b"}, writes: []string{"delete ?/tmp/y", "delete /tmp/a/b"}},
	{name: "cd in condition", src: "if c; then cd d && rm a; fi; rm b", execs: []string{"c", "cd d", "rm a", "rm b"}, writes: []string{"delete d/a", "delete ?$PWD/b"}},
	{name: "cd unknown", src: "cd $D && rm x; cd; rm y", execs: []string{"cd ?$D", "rm x", "cd", "rm y"}, writes: []string{"delete ?$D/x", "delete ?$PWD/y"}},
	{name: "cd in subshell", src: "(cd sub && rm x); rm y", execs: []string{"cd sub", "rm x", "rm y"}, writes: []string{"delete sub/x", "delete y"}},

	// wrappers
	{name: "sudo user", src: "sudo -u u rm -rf x", execs: []string{"sudo -u u rm -rf x", "sudo>rm -rf x"}, writes: []string{"delete x -r"}},
	{name: "sudo options", src: "sudo -E -g g -C 3 -- FOO=1 rm x", execs: []string{"sudo -E -g g -C 3 -- FOO=1 rm x", "sudo>rm x"}, writes: []string{"delete x"}},
	{name: "sudo list", src: "sudo -l rm", execs: []string{"sudo -l rm"}},
	{name: "doas", src: "doas -u root rm x", execs: []string{"doas -u root rm x", "doas>rm x"}, writes: []string{"delete x"}},
	{name: "env assignment", src: "env A=1 rm -rf x", execs: []string{"env A=1 rm -rf x", "env>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "env options", src: "env -i -u HOME -C /tmp -- rm x", execs: []string{"env -i -u HOME -C /tmp -- rm x", "env>rm x"}, writes: []string{"delete /tmp/x"}},
	{name: "env split string", src: "env -S 'rm -rf x' y", execs: []string{`env -S "rm -rf x" y`, "env>rm -rf x y"}, writes: []string{"delete x -r", "delete y -r"}},
	{name: "command v", src: "command -v rm", execs: []string{"command -v rm"}},
	{name: "command p", src: "command -p rm x", execs: []string{"command -p rm x", "command>rm x"}, writes: []string{"delete x"}},
	{name: "builtin and exec", src: "builtin eval 'rm a'; exec -a n rm b", execs: []string{"builtin eval \"rm a\"", "builtin>eval \"rm a\"", "@1 builtin>eval>rm a", "exec -a n rm b", "exec>rm b"},
		writes: []string{"delete a", "delete b"}},
	{name: "timeout", src: "timeout 5 rm -rf x", execs: []string{"timeout 5 rm -rf x", "timeout>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "timeout options", src: "timeout -s KILL -k 3 --foreground 5s rm x", execs: []string{"timeout -s KILL -k 3 --foreground 5s rm x", "timeout>rm x"}, writes: []string{"delete x"}},
	{name: "chain of wrappers", src: "nice -n 5 ionice -c3 nohup setsid -f stdbuf -oL chrt -f 10 taskset -c 0 time -p rm v",
		execs: []string{"nice -n 5 ionice -c3 nohup setsid -f stdbuf -oL chrt -f 10 taskset -c 0 time -p rm v",
			"nice>ionice -c3 nohup setsid -f stdbuf -oL chrt -f 10 taskset -c 0 time -p rm v",
			"nice>ionice>nohup setsid -f stdbuf -oL chrt -f 10 taskset -c 0 time -p rm v",
			"nice>ionice>nohup>setsid -f stdbuf -oL chrt -f 10 taskset -c 0 time -p rm v",
			"nice>ionice>nohup>setsid>stdbuf -oL chrt -f 10 taskset -c 0 time -p rm v",
			"nice>ionice>nohup>setsid>stdbuf>chrt -f 10 taskset -c 0 time -p rm v",
			"nice>ionice>nohup>setsid>stdbuf>chrt>taskset -c 0 time -p rm v",
			"nice>ionice>nohup>setsid>stdbuf>chrt>taskset>time -p rm v",
			"nice>ionice>nohup>setsid>stdbuf>chrt>taskset>time>rm v"},
		writes: []string{"delete v"}},
	{name: "nice numeric", src: "nice -10 rm x", execs: []string{"nice -10 rm x", "nice>rm x"}, writes: []string{"delete x"}},
	{name: "xargs", src: "xargs rm -rf", execs: []string{"xargs rm -rf", "xargs>rm -rf"}, unknowns: []string{"args"}, confirm: true},
	{name: "xargs options", src: "xargs -0 -n 1 -P 4 -I{} rm -rf {}", execs: []string{"xargs -0 -n 1 -P 4 -I{} rm -rf {}", "xargs>rm -rf ?{}"}, writes: []string{"delete ?{} -r"}, unknowns: []string{"args"}},
	{name: "xargs default echo", src: "xargs -r", execs: []string{"xargs -r", "xargs>echo"}, unknowns: []string{"args"}},
	{name: "find exec plus", src: "find . -exec rm -rf {} +", execs: []string{"find . -exec rm -rf {} +", "find>rm -rf ?{}"}, writes: []string{"delete ?{} -r"}, unknowns: []string{"args"}, confirm: true},
	{name: "find exec semicolon", src: `find src -name '*.o' -execdir rm {} \; -print`, execs: []string{"find src -name *.o -execdir rm {} ; -print", "find>rm ?{}"}, writes: []string{"delete ?{}"}},
	{name: "find delete", src: "find build tmp -type f -delete", execs: []string{"find build tmp -type f -delete {del}"}, writes: []string{"delete build -r", "delete tmp -r"}},
	{name: "find delete default path", src: "find -name x -delete", execs: []string{"find -name x -delete {del}"}, writes: []string{"delete . -r"}},
	{name: "find name not delete", src: "find . -name -delete", execs: []string{"find . -name -delete"}},
	{name: "parallel", src: "parallel rm {} ::: a b", execs: []string{"parallel rm {} ::: a b", "@1 parallel>rm ?{}"}, writes: []string{"delete ?{}"}, unknowns: []string{"args"}},
	{name: "parallel commands as input", src: "parallel ::: 'rm a' 'ls'", execs: []string{"parallel ::: \"rm a\" ls", "@1 parallel>rm a", "@1 parallel>ls"}, writes: []string{"delete a"}},
	{name: "npx", src: "npx drizzle-kit push --force", execs: []string{"npx drizzle-kit push --force", "npx>drizzle-kit push --force"}, confirm: true},
	{name: "npx options", src: "npx -y --package=x@1 drizzle-kit@latest push", execs: []string{"npx -y --package=x@1 drizzle-kit@latest push", "npx>drizzle-kit push"}},
	{name: "npx call", src: "npx -c 'rm -rf x'", execs: []string{`npx -c "rm -rf x"`, "@1 npx>rm -rf x"}, writes: []string{"delete x -r"}},
	{name: "package runners", src: "bunx a; pnpm exec b; pnpm dlx c; npm exec -- d; npm x e; yarn dlx f; yarn exec g; yarn h; yarn install; uv run i; uvx j; poetry run k; pipx run l; bundle exec m",
		execs: []string{"bunx a", "bunx>a", "pnpm exec b", "pnpm>b", "pnpm dlx c", "pnpm>c", "npm exec -- d", "npm>d", "npm x e", "npm>e",
			"yarn dlx f", "yarn>f", "yarn exec g", "yarn>g", "yarn h", "yarn>h", "yarn install", "uv run i", "uv>i", "uvx j", "uvx>j",
			"poetry run k", "poetry>k", "pipx run l", "pipx>l", "bundle exec m", "bundle>m"}},
	{name: "uv run options", src: "uv run --with x -p 3.12 python -c 'print(1)'", execs: []string{"uv run --with x -p 3.12 python -c print(1)", "uv>python -c print(1)"},
		codes: []string{`python python arg "print(1)"`}},
	{name: "ssh", src: "ssh -p 22 -i k user@host rm -rf /x", execs: []string{"ssh -p 22 -i k user@host rm -rf /x", "@1 ssh>rm -rf /x {remote}"}},
	{name: "ssh quoted", src: "ssh host 'cd /srv && git pull'", execs: []string{`ssh host "cd /srv && git pull"`, "@1 ssh>cd /srv {remote}", "@1 ssh>git pull {remote}"}},
	{name: "ssh no command", src: "ssh -N -L 1:a:2 host", execs: []string{"ssh -N -L 1:a:2 host"}},
	{name: "docker exec", src: "docker exec -it -u root c rm -rf /y", execs: []string{"docker exec -it -u root c rm -rf /y", "docker>rm -rf /y {remote}"}},
	{name: "docker run", src: "docker run --rm -v a:b --name n img sh -c 'rm z'", execs: []string{"docker run --rm -v a:b --name n img sh -c \"rm z\"", "docker>sh -c \"rm z\" {remote}", "@1 docker>sh>rm z {remote}"}},
	{name: "docker run entrypoint", src: "docker run --entrypoint rm img -rf /", execs: []string{"docker run --entrypoint rm img -rf /", "docker>rm -rf / {remote}"}},
	{name: "docker compose", src: "docker compose -f x.yml exec -T db psql -c 'DROP TABLE t'", execs: []string{"docker compose -f x.yml exec -T db psql -c \"DROP TABLE t\"", "docker>psql -c \"DROP TABLE t\" {remote}"},
		codes: []string{`sql psql arg "DROP TABLE t"`}},
	{name: "kubectl exec", src: "kubectl -n ns exec -it pod -c app -- rm -rf /q", execs: []string{"kubectl -n ns exec -it pod -c app -- rm -rf /q", "kubectl>rm -rf /q {remote}"}},
	{name: "podman exec", src: "podman exec c rm x", execs: []string{"podman exec c rm x", "podman>rm x {remote}"}},
	{name: "git global option", src: "git -C r push --force", execs: []string{"git -C r push --force"}, confirm: true},
	{name: "terraform global option", src: "terraform -chdir=i destroy", execs: []string{"terraform -chdir=i destroy"}, confirm: true},
	{name: "more wrappers", src: "systemd-run --user --unit x rm a; nsenter -t 1 -m -u rm b; toybox rm c; run0 -u root rm d; pkexec rm e; chroot /srv rm f",
		execs: []string{"systemd-run --user --unit x rm a", "systemd-run>rm a", "nsenter -t 1 -m -u rm b", "nsenter>rm b", "toybox rm c", "toybox>rm c",
			"run0 -u root rm d", "run0>rm d", "pkexec rm e", "pkexec>rm e", "chroot /srv rm f", "chroot>rm f"},
		writes: []string{"delete a", "delete b", "delete c", "delete d", "delete e", "delete f"}},
	{name: "fd exec", src: "fd -e tmp -x rm {}", execs: []string{"fd -e tmp -x rm {}", "fd>rm ?{}"}, writes: []string{"delete ?{}"}, unknowns: []string{"args"}},
	{name: "at", src: "echo 'rm -rf /a' | at now; at -f job.sh 5pm", execs: []string{"echo \"rm -rf /a\"", "at now", "@1 at>rm -rf /a", "at -f job.sh 5pm"},
		writes: []string{"delete /a -r"}, unknowns: []string{"source"}},
	{name: "ssh proxy command", src: "ssh -o ProxyCommand='rm -rf /p' h", execs: []string{"ssh -o \"ProxyCommand=rm -rf /p\" h", "@1 ssh>rm -rf /p"}, writes: []string{"delete /p -r"}},
	{name: "busybox", src: "busybox rm -rf x", execs: []string{"busybox rm -rf x", "busybox>rm -rf x"}, writes: []string{"delete x -r"}},

	// nested shells
	{name: "sh -c", src: `sh -c "rm -rf x"`, execs: []string{`sh -c "rm -rf x"`, "@1 sh>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "bash options", src: "bash --norc -e -o pipefail -x -c 'rm a' name arg", execs: []string{"bash --norc -e -o pipefail -x -c \"rm a\" name arg", "@1 bash>rm a"}, writes: []string{"delete a"}, confirm: true},
	{name: "bash -lc", src: "bash -lc 'rm a'; zsh -ec 'rm b'; dash -c 'rm c'; bash -c -l 'rm d'", execs: []string{"bash -lc \"rm a\"", "@1 bash>rm a", "zsh -ec \"rm b\"", "@1 zsh>rm b", "dash -c \"rm c\"", "@1 dash>rm c", "bash -c -l \"rm d\"", "@1 bash>rm d"},
		writes: []string{"delete a", "delete b", "delete c", "delete d"}},
	{name: "busybox sh", src: "busybox sh -c 'rm a'", execs: []string{"busybox sh -c \"rm a\"", "busybox>sh -c \"rm a\"", "@1 busybox>sh>rm a"}, writes: []string{"delete a"}},
	{name: "sudo sh -c", src: "sudo sh -c 'rm -rf /'", execs: []string{"sudo sh -c \"rm -rf /\"", "sudo>sh -c \"rm -rf /\"", "@1 sudo>sh>rm -rf /"}, writes: []string{"delete / -r"}},
	{name: "nested twice", src: `bash -c "sh -c 'rm x'"`, execs: []string{`bash -c "sh -c 'rm x'"`, "@1 bash>sh -c \"rm x\"", "@2 bash>sh>rm x"}, writes: []string{"delete x"}, confirm: true},
	{name: "eval", src: `eval "rm -rf x"`, execs: []string{`eval "rm -rf x"`, "@1 eval>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "eval words", src: "eval rm -rf x", execs: []string{"eval rm -rf x", "@1 eval>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "eval unknown", src: `eval "$CMD"`, execs: []string{`eval ?$CMD`}, unknowns: []string{"shell-text"}, confirm: true},
	{name: "bash -c unknown", src: `bash -c "$S"`, execs: []string{`bash -c ?$S`}, unknowns: []string{"shell-text"}},
	{name: "bash -c partly unknown", src: `bash -c "rm -rf $D"`, execs: []string{`bash -c ?"rm -rf $D"`}, unknowns: []string{"shell-text"}},
	{name: "nested does not parse", src: "bash -c 'if'", execs: []string{"bash -c if"}, unknowns: []string{"shell-text"}},
	{name: "pipe into shell", src: "echo 'rm -rf x' | bash", execs: []string{"echo \"rm -rf x\"", "bash", "@1 bash>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "printf into shell", src: `printf '%s\n' 'rm a' 'rm b' | sh`, execs: []string{`printf %s\n "rm a" "rm b"`, "sh", "@1 sh>rm a", "@1 sh>rm b"}, writes: []string{"delete a", "delete b"}, confirm: true},
	{name: "cat heredoc into shell", src: "cat <<EOF | sh\nrm a\nEOF", execs: []string{"cat", "sh", "@1 sh>rm a"}, writes: []string{"delete a"}, confirm: true},
	{name: "curl into shell", src: "curl -s https://x | sh", execs: []string{"curl -s https://x", "sh"}, unknowns: []string{"shell-text"}, confirm: true},
	{name: "git rebase --exec", src: "git rebase -x 'rm a' main", execs: []string{`git rebase -x "rm a" main`, "@1 git>rm a"}, writes: []string{"delete a"}},
	{name: "git rebase --exec=", src: "git rebase --exec='rm a' main", execs: []string{`git rebase "--exec=rm a" main`, "@1 git>rm a"}, writes: []string{"delete a"}},
	{name: "git submodule foreach text", src: "git submodule foreach 'rm a'", execs: []string{`git submodule foreach "rm a"`, "@1 git>rm a"}, writes: []string{"delete a"}},
	{name: "git submodule foreach words", src: "git submodule foreach --recursive rm a", execs: []string{"git submodule foreach --recursive rm a", "git>rm a"}, writes: []string{"delete a"}},
	{name: "git bisect run", src: "git bisect run rm a", execs: []string{"git bisect run rm a", "git>rm a"}, writes: []string{"delete a"}},
	{name: "git filter-branch", src: "git filter-branch --tree-filter 'rm a' HEAD", execs: []string{`git filter-branch --tree-filter "rm a" HEAD`, "@1 git>rm a"}, writes: []string{"delete a"}},
	{name: "tar --to-command", src: "tar --to-command='rm a' -xf x.tar", execs: []string{`tar "--to-command=rm a" -xf x.tar`, "@1 tar>rm a"}, writes: []string{"delete a"}},
	{name: "tar -I", src: "tar -xf x.tar -I 'rm a'", execs: []string{`tar -xf x.tar -I "rm a"`, "@1 tar>rm a"}, writes: []string{"delete a"}},
	{name: "tar checkpoint exec", src: "tar --checkpoint-action=exec='rm a' -xf x.tar", execs: []string{`tar "--checkpoint-action=exec=rm a" -xf x.tar`, "@1 tar>rm a"}, writes: []string{"delete a"}},
	{name: "tar checkpoint dot", src: "tar --checkpoint-action=dot -xf x.tar", execs: []string{"tar --checkpoint-action=dot -xf x.tar"}},
	{name: "tar bundled I", src: "tar xIf zstd x.tar", execs: []string{"tar xIf zstd x.tar"}, unknowns: []string{"shell-text"}},
	{name: "rsync -e", src: "rsync -av -e 'ssh -p 22' a h:b", execs: []string{`rsync -av -e "ssh -p 22" a h:b`, "@1 rsync>ssh -p 22"}},
	{name: "nodemon --exec", src: "nodemon --exec 'rm a'", execs: []string{`nodemon --exec "rm a"`, "@1 nodemon>rm a"}, writes: []string{"delete a"}},
	{name: "vim shell escape", src: "vim -c ':!rm a' -c 'wq!' f", execs: []string{`vim -c ":!rm a" -c wq! f`, "@1 vim>rm a"}, writes: []string{"delete a"}},
	{name: "vim filter", src: "vim -c '%!sort' f", execs: []string{`vim -c %!sort f`, "@1 vim>sort"}},
	{name: "vim system()", src: `vim -c 'call system("x")' f`, execs: []string{`vim -c "call system(\"x\")" f`}, unknowns: []string{"shell-text"}},
	{name: "curl output files", src: "curl -fsSL https://x -o a.sh -D h.txt; curl -o - https://x; curl --output-dir d -o b https://x",
		execs: []string{"curl -fsSL https://x -o a.sh -D h.txt", "curl -o - https://x", "curl --output-dir d -o b https://x"}, writes: []string{"redirect a.sh", "redirect h.txt", "redirect d/b"}},
	{name: "wget output files", src: "wget -qO- https://x; wget -O out.tgz -a log.txt https://x; wget -P dl https://x",
		execs: []string{"wget -qO- https://x", "wget -O out.tgz -a log.txt https://x", "wget -P dl https://x"}, writes: []string{"redirect out.tgz", "append log.txt", "mkdir dl"}},
	{name: "rsync destination", src: "rsync -a src/ dst/; rsync x y; rsync -av src/ host:/srv/",
		execs: []string{"rsync -a src/ dst/", "rsync x y", "rsync -av src/ host:/srv/"}, writes: []string{"copy dst/ -r", "copy y"}},
	{name: "wrapper option it does not accept", src: "sudo -0/rm ~/0", execs: []string{"sudo -0/rm ?~/0", "sudo>-0/rm ?~/0"}, writes: []string{"delete ?~/0"}, unknowns: []string{"command-name"}},
	{name: "sed e command", src: "sed -n '1e rm a' f", execs: []string{`sed -n "1e rm a" f`, "@1 sed>rm a"}, writes: []string{"delete a"}},
	{name: "sed s///e", src: "sed 's/.*/x/e' f", execs: []string{"sed s/.*/x/e f"}, unknowns: []string{"shell-text"}},
	{name: "sed w file", src: "sed -n '/x/w out.txt' f", execs: []string{`sed -n "/x/w out.txt" f`}, writes: []string{"redirect out.txt"}},
	{name: "sed sandbox", src: "sed --sandbox 'e ls' f", execs: []string{`sed --sandbox "e ls" f`}},
	{name: "PS4 runs commands under set -x", src: "PS4='$(rm a)'; set -x; true", execs: []string{"set -x", "true"}, unknowns: []string{"shell-text"}},
	{name: "PS4 exported", src: "PS4='`rm a`' bash -xc true", execs: []string{"bash -xc true", "@1 bash>true"}, unknowns: []string{"shell-text", "shell-text"}}, // as a variable and in the environment
	{name: "PS4 plain", src: "PS4='+ ${BASH_SOURCE}:${LINENO}: '; set -x; true", execs: []string{"set -x", "true"}},
	{name: "base64 into bash", src: "echo cm0gLXJmIC8= | base64 -d | bash", execs: []string{"echo cm0gLXJmIC8=", "base64 -d", "bash", "@1 bash>rm -rf /"}, writes: []string{"delete / -r"}, confirm: true},
	{name: "base64 of unknown into bash", src: "echo $P | base64 -d | bash", execs: []string{"echo ?$P", "base64 -d", "bash"}, unknowns: []string{"shell-text"}},
	{name: "not base64 into bash", src: "echo 'cm0gLXJm!' | base64 -d | bash", execs: []string{"echo cm0gLXJm!", "base64 -d", "bash"}, unknowns: []string{"shell-text"}},
	{name: "base64 after PATH change", src: "PATH=/tmp/x:$PATH; echo cm0gYQ== | base64 -d | bash", execs: []string{"echo cm0gYQ==", "base64 -d", "bash"}, unknowns: []string{"shell-text"}},
	{name: "eval of decoded text", src: `eval "$(echo 'cm0gLXJmIC8=' | base64 -d)"`, execs: []string{"echo cm0gLXJmIC8=", "base64 -d", `eval "rm -rf /"`, "@1 eval>rm -rf /"}, writes: []string{"delete / -r"}, confirm: true},
	{name: "eval of echo substitution", src: `eval "$(echo 'rm a')"`, execs: []string{"echo \"rm a\"", `eval "rm a"`, "@1 eval>rm a"}, writes: []string{"delete a"}, confirm: true},
	{name: "substitution keeps trailing-newline semantics", src: `x="$(printf 'a\n\n')"; rm "$x"`, execs: []string{`printf a\n\n`, "rm a"}, writes: []string{"delete a"}},
	{name: "echo shadowed by a function", src: `echo() { printf 'rm -rf ~'; }; echo hi | bash`, execs: []string{"printf \"rm -rf ~\"", "echo hi {fn}", "bash"}, unknowns: []string{"shell-text"}},
	{name: "cat shadowed by an alias", src: "alias cat='printf rm\\ a'\ncat <<< hi | bash", execs: []string{"alias \"cat=printf rm\\\\ a\"", "cat", "@1 alias>printf \"rm a\"", "bash"}, unknowns: []string{"shell-text"}},
	{name: "heredoc into shell", src: "bash <<'EOF'\nrm -rf x\nEOF", execs: []string{"bash", "@1 bash>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "unquoted heredoc into shell", src: "D=x; bash -s <<EOF\nrm -rf $D\nEOF", execs: []string{"bash -s", "@1 bash>rm -rf x"}, writes: []string{"delete x -r"}, confirm: true},
	{name: "unknown heredoc into shell", src: "bash <<EOF\nrm -rf $D\nEOF", execs: []string{"bash"}, unknowns: []string{"shell-text"}},
	{name: "herestring into shell", src: "sh <<< 'rm a'", execs: []string{"sh", "@1 sh>rm a"}, writes: []string{"delete a"}, confirm: true},
	{name: "shell reads inherited stdin", src: "bash", execs: []string{"bash"}, unknowns: []string{"shell-text"}},
	{name: "shell from process substitution", src: "bash <(curl x)", execs: []string{"curl x", `bash ?"<(curl x)"`}, unknowns: []string{"shell-text"}},
	{name: "shell from file redirect", src: "sh < $F", execs: []string{"sh"}, unknowns: []string{"shell-text"}},
	{name: "source missing", src: "source ./nope.sh", execs: []string{"source ./nope.sh"}, unknowns: []string{"source"}},
	{name: "source unknown", src: "source $F; . <(a)", execs: []string{"source ?$F", "a", ". ?<(a)"}, unknowns: []string{"shell-text", "shell-text"}},
	{name: "source without reader", src: "source ./lib.sh", execs: []string{"source ./lib.sh"}, unknowns: []string{"source"}},
	{name: "source file", src: ". lib.sh; f; rm $X", files: map[string]string{"/work/lib.sh": "X=-rf\nf() { rm -rf y; }\n"},
		execs: []string{". lib.sh", "@1 .>rm -rf y", "f {fn}", "rm -rf"}, writes: []string{"delete y -r"}},
	{name: "bash script file", src: "bash ./s.sh", files: map[string]string{"/work/s.sh": "rm a\n"}, execs: []string{"bash ./s.sh", "@1 bash>rm a"}, writes: []string{"delete a"}},
	{name: "sh from file redirect read", src: "sh < s.sh", files: map[string]string{"/work/s.sh": "rm a\n"}, execs: []string{"sh", "@1 sh>rm a"}, writes: []string{"delete a"}},
	{name: "cat file into shell", src: "cat s.sh | sh", files: map[string]string{"/work/s.sh": "rm a\n"}, execs: []string{"cat s.sh", "sh", "@1 sh>rm a"}, writes: []string{"delete a"}},
	{name: "watch", src: `watch -n 1 "rm -f w"`, execs: []string{`watch -n 1 "rm -f w"`, "@1 watch>rm -f w"}, writes: []string{"delete w"}},
	{name: "watch words", src: "watch -d ls -l", execs: []string{"watch -d ls -l", "@1 watch>ls -l"}},
	{name: "su -c", src: "su - root -c 'rm a'", execs: []string{"su - root -c \"rm a\"", "@1 su>rm a"}, writes: []string{"delete a"}},
	{name: "script -c", src: "script -q -c 'rm a' /dev/null", execs: []string{"script -q -c \"rm a\" /dev/null", "@1 script>rm a"}, writes: []string{"delete a"}},
	{name: "flock", src: "flock /tmp/l rm a; flock -w 3 /tmp/l -c 'rm b'", execs: []string{"flock /tmp/l rm a", "flock>rm a", "flock -w 3 /tmp/l -c \"rm b\"", "@1 flock>rm b"}, writes: []string{"delete a", "delete b"}},
	{name: "git alias", src: "git -c alias.x='!rm -rf y' x", execs: []string{"git -c \"alias.x=!rm -rf y\" x", "@1 git>rm -rf y"}, writes: []string{"delete y -r"}},
	{name: "trap", src: "trap 'rm -f t' EXIT", execs: []string{"trap \"rm -f t\" EXIT", "@1 trap>rm -f t"}, writes: []string{"delete t"}},
	{name: "alias", src: "alias ll='rm -rf'; ll x", execs: []string{"alias \"ll=rm -rf\"", "ll x", "@1 alias>rm -rf x"}, writes: []string{"delete x -r"}},
	{name: "environment commands", src: "GIT_SSH_COMMAND='rm -rf /g' git fetch; sudo PAGER='rm p' ls; export EDITOR=vim",
		execs:  []string{"git fetch", "@1 GIT_SSH_COMMAND>rm -rf /g", `sudo "PAGER=rm p" ls`, "sudo>ls", "@1 sudo>PAGER>rm p", "export EDITOR=vim", "@1 EDITOR>vim"},
		writes: []string{"delete /g -r", "delete p"}},
	{name: "environment unknown command", src: `EDITOR="$E" git commit`, execs: []string{"git commit"}, unknowns: []string{"shell-text"}},
	{name: "bash env and functions", src: "env BASH_ENV=x.sh bash -c ls; env 'BASH_FUNC_ls%%=() { rm -rf /; }' bash -c ls",
		execs:  []string{"env BASH_ENV=x.sh bash -c ls", "env>bash -c ls", "@1 env>bash>ls", `env "BASH_FUNC_ls%%=() { rm -rf /; }" bash -c ls`, "env>bash -c ls", "@1 env>BASH_FUNC_ls%%>rm -rf /", "@1 env>bash>ls"},
		writes: []string{"delete / -r"}, unknowns: []string{"source"}},
	{name: "standard input as a file", src: "source /dev/stdin <<< 'rm a'; psql -f /dev/stdin <<< 'DROP TABLE t'; psql < /dev/stdin; . /proc/self/fd/3",
		execs:  []string{"source /dev/stdin", "@1 source>rm a", "psql -f /dev/stdin", "psql", ". /proc/self/fd/3"},
		writes: []string{"delete a"}, codes: []string{`sql psql herestring "DROP TABLE t\n"`}, unknowns: []string{"code-text", "source"}},
	{name: "fish", src: "fish -c 'rm a'", execs: []string{"fish -c \"rm a\""}, unknowns: []string{"shell-text"}},
	{name: "claude code wrapper", src: "source /tmp/snap.sh 2>/dev/null || true && shopt -u extglob 2>/dev/null || true && eval 'npm test' < /dev/null && pwd -P >| /tmp/claude-1234-cwd",
		execs:  []string{"source /tmp/snap.sh", "true", "shopt -u extglob", "true", "eval \"npm test\"", "@1 eval>npm test", "pwd -P"},
		writes: []string{"redirect /tmp/claude-1234-cwd"}, unknowns: []string{"source"}},
	{name: "claude code wrapper with snapshot", src: "source /work/snap.sh 2>/dev/null || true && eval 'gs' < /dev/null",
		files: map[string]string{"/work/snap.sh": "gs() { git status; }\nshopt -s expand_aliases\n"},
		execs: []string{"source /work/snap.sh", "@1 source>git status", "@1 source>shopt -s expand_aliases", "true", "eval gs", "@1 eval>gs {fn}"}},

	// code texts
	{name: "psql heredoc", src: "psql <<EOF\ndrop table t;\nEOF", execs: []string{"psql"}, codes: []string{`sql psql heredoc "drop table t;\n"`}, confirm: true},
	{name: "psql pipe", src: "echo 'DROP TABLE t' | psql", execs: []string{"echo \"DROP TABLE t\"", "psql"}, codes: []string{`sql psql pipe "DROP TABLE t\n"`}, confirm: true},
	{name: "psql command", src: "psql -h db -U u -tAc 'DROP TABLE t' -c 'select 1' mydb", execs: []string{"psql -h db -U u -tAc \"DROP TABLE t\" -c \"select 1\" mydb"},
		codes: []string{`sql psql arg "DROP TABLE t"`, `sql psql arg "select 1"`}},
	{name: "psql file", src: "psql -f m.sql", files: map[string]string{"/work/m.sql": "DROP TABLE x;"}, execs: []string{"psql -f m.sql"}, codes: []string{`sql psql file "DROP TABLE x;"`}},
	{name: "psql file unread", src: "psql -f other.sql", execs: []string{"psql -f other.sql"}, unknowns: []string{"code-text"}},
	{name: "psql redirect file", src: "psql < m.sql", files: map[string]string{"/work/m.sql": "DROP TABLE x;"}, execs: []string{"psql"}, codes: []string{`sql psql file "DROP TABLE x;"`}},
	{name: "psql unknown pipe", src: "curl x | psql", execs: []string{"curl x", "psql"}, unknowns: []string{"code-text"}},
	{name: "psql unknown arg", src: `psql -c "DELETE FROM $T"`, execs: []string{`psql -c ?"DELETE FROM $T"`}, codes: []string{`sql psql arg ?"DELETE FROM $T"`}, unknowns: []string{"code-text"}},
	{name: "psql list", src: "psql -l", execs: []string{"psql -l"}},
	{name: "mysql", src: `mysql -e "DROP TABLE t"`, execs: []string{`mysql -e "DROP TABLE t"`}, codes: []string{`sql mysql arg "DROP TABLE t"`}, confirm: true},
	{name: "mysql password", src: "mysql -uroot -psecret db --execute='DROP TABLE t'", execs: []string{`mysql -uroot -psecret db "--execute=DROP TABLE t"`}, codes: []string{`sql mysql arg "DROP TABLE t"`}},
	{name: "mariadb herestring", src: "mariadb db <<< 'DROP TABLE t'", execs: []string{"mariadb db"}, codes: []string{`sql mariadb herestring "DROP TABLE t\n"`}},
	{name: "sqlite3", src: "sqlite3 -cmd '.mode csv' app.db 'DROP TABLE t' 'select 1'", execs: []string{"sqlite3 -cmd \".mode csv\" app.db \"DROP TABLE t\" \"select 1\""},
		codes: []string{`sql sqlite3 arg ".mode csv"`, `sql sqlite3 arg "DROP TABLE t"`, `sql sqlite3 arg "select 1"`}},
	{name: "sqlite3 dot commands", src: "sqlite3 a.db '.shell rm x'", execs: []string{"sqlite3 a.db \".shell rm x\"", "@1 sqlite3 .shell>rm x"}, codes: []string{`sql sqlite3 arg ".shell rm x"`}, writes: []string{"delete x"}},
	{name: "duckdb", src: "duckdb -c 'DROP TABLE t'", execs: []string{"duckdb -c \"DROP TABLE t\""}, codes: []string{`sql duckdb arg "DROP TABLE t"`}},
	{name: "clickhouse", src: "clickhouse-client --query 'DROP TABLE t'; clickhouse client -q 'DROP TABLE u'", execs: []string{"clickhouse-client --query \"DROP TABLE t\"", "clickhouse client -q \"DROP TABLE u\""},
		codes: []string{`sql clickhouse-client arg "DROP TABLE t"`, `sql clickhouse arg "DROP TABLE u"`}},
	{name: "cockroach", src: "cockroach sql --url x -e 'DROP TABLE t'", execs: []string{"cockroach sql --url x -e \"DROP TABLE t\""}, codes: []string{`sql cockroach arg "DROP TABLE t"`}},
	{name: "mongosh", src: "mongosh mongodb://h/db --eval 'db.dropDatabase()'", execs: []string{"mongosh mongodb://h/db --eval db.dropDatabase()"}, codes: []string{`mongo mongosh arg "db.dropDatabase()"`}},
	{name: "redis", src: "redis-cli -h h -n 2 FLUSHALL", execs: []string{"redis-cli -h h -n 2 FLUSHALL"}, codes: []string{`redis redis-cli arg "FLUSHALL"`}},
	{name: "redis pipe", src: "echo FLUSHALL | redis-cli", execs: []string{"echo FLUSHALL", "redis-cli"}, codes: []string{`redis redis-cli pipe "FLUSHALL\n"`}},
	{name: "python", src: "python3 -c 'import os; os.remove(\"x\")'; python3.12 -Sc 'print(1)' a; python x.py; python -m http.server",
		execs: []string{"python3 -c \"import os; os.remove(\\\"x\\\")\"", "python3.12 -Sc print(1) a", "python x.py", "python -m http.server"},
		codes: []string{`python python3 arg "import os; os.remove(\"x\")"`, `python python3.12 arg "print(1)"`}},
	{name: "awk", src: "awk -F: '{print $1}' /etc/passwd; gawk -v n=1 -e 'BEGIN{system(\"ls\")}'; awk --version",
		execs: []string{`awk -F: "{print $1}" /etc/passwd`, `gawk -v n=1 -e "BEGIN{system(\"ls\")}"`, "awk --version"},
		codes: []string{`awk awk arg "{print $1}"`, `awk gawk arg "BEGIN{system(\"ls\")}"`}},
	{name: "awk unknown program", src: `awk "$P" f`, execs: []string{`awk ?$P f`}, codes: []string{`awk awk arg ?"$P"`}, unknowns: []string{"code-text"}},
	{name: "python heredoc", src: "python3 - <<'EOF'\nprint(1)\nEOF", execs: []string{"python3 -"}, codes: []string{`python python3 heredoc "print(1)\n"`}},
	{name: "python unknown", src: `python -c "$X"; python "$F"`, execs: []string{`python -c ?$X`, `python ?$F`}, codes: []string{`python python arg ?"$X"`}, unknowns: []string{"code-text", "code-text"}},
	{name: "node", src: "node -e 'require(\"fs\").rmSync(\"x\")'; node --print 1; nodejs --eval=2; node app.js",
		execs: []string{"node -e \"require(\\\"fs\\\").rmSync(\\\"x\\\")\"", "node --print 1", "nodejs --eval=2", "node app.js"},
		codes: []string{`node node arg "require(\"fs\").rmSync(\"x\")"`, `node node arg "1"`, `node nodejs arg "2"`}},
	{name: "perl ruby php deno bun", src: "perl -E 'say 1'; ruby -e 'puts 1'; php -r 'echo 1;'; deno eval 'Deno.exit()'; bun -e 'process.exit()'",
		execs: []string{"perl -E \"say 1\"", "ruby -e \"puts 1\"", "php -r \"echo 1;\"", "deno eval Deno.exit()", "bun -e process.exit()"},
		codes: []string{`perl perl arg "say 1"`, `ruby ruby arg "puts 1"`, `php php arg "echo 1;"`, `deno deno arg "Deno.exit()"`, `node bun arg "process.exit()"`}},
	{name: "perl in place", src: "perl -pi -e 's/a/b/' f1 f2", execs: []string{"perl -pi -e s/a/b/ f1 f2"}, codes: []string{`perl perl arg "s/a/b/"`}, writes: []string{"edit f1", "edit f2"}},
	{name: "heredoc to file is not code", src: "cat <<'EOF' > m.sql\nDROP TABLE t;\nEOF", execs: []string{"cat"}, writes: []string{"redirect m.sql"}, confirm: true},
	{name: "wrapped client", src: "sudo -u postgres psql -c 'DROP TABLE t'", execs: []string{"sudo -u postgres psql -c \"DROP TABLE t\"", "sudo>psql -c \"DROP TABLE t\""}, codes: []string{`sql psql arg "DROP TABLE t"`}},

	// writes
	{name: "redirects", src: "a > o1 2> o2 &> o3 >> o4 &>> o5 >| o6 <> o7 3> o8 >&2 2>&1 > /dev/null 2>/dev/stderr >/dev/sda",
		execs: []string{"a"}, writes: []string{"redirect o1", "redirect o2", "redirect o3", "append o4", "append o5", "redirect o6", "redirect o7", "redirect o8", "redirect /dev/sda"}},
	{name: "dup to file", src: "a >& out", execs: []string{"a"}, writes: []string{"redirect out"}},
	{name: "compound redirect", src: "{ a; b; } > out", execs: []string{"a", "b"}, writes: []string{"redirect out"}},
	{name: "bare redirect", src: "> out", writes: []string{"redirect out"}},
	{name: "tee", src: "a | tee -a log | tee out - /dev/null", execs: []string{"a", "tee -a log", "tee out - /dev/null"}, writes: []string{"append log", "tee out"}},
	{name: "cp", src: "cp -r a b dst; cp -t dir x y; install -m 644 f /usr/bin/f; install -d d1 d2",
		execs:  []string{"cp -r a b dst", "cp -t dir x y", "install -m 644 f /usr/bin/f", "install -d d1 d2"},
		writes: []string{"copy dst -r", "copy dir", "copy /usr/bin/f", "mkdir d1", "mkdir d2"}},
	{name: "mv", src: "mv a b dst", execs: []string{"mv a b dst"}, writes: []string{"move dst -r", "delete a -r", "delete b -r"}},
	{name: "ln", src: "ln -sf target link; ln -s /x/y", execs: []string{"ln -sf target link", "ln -s /x/y"}, writes: []string{"link link", "link y"}},
	{name: "rm family", src: "rmdir d; unlink u; shred -n 3 -u s", execs: []string{"rmdir d", "unlink u", "shred -n 3 -u s"}, writes: []string{"delete d", "delete u", "delete s"}},
	{name: "sed in place", src: "sed -i 's/a/b/' f; sed -i.bak -e x g; sed --in-place=.orig y h; sed 's/a/b/' n",
		execs:  []string{"sed -i s/a/b/ f", "sed -i.bak -e x g", "sed --in-place=.orig y h", "sed s/a/b/ n"},
		writes: []string{"edit f", "edit g", "edit h"}},
	{name: "truncate dd touch mkdir", src: "truncate -s 0 t; dd if=/dev/zero of=/dev/sdb bs=1M; touch -d now u; mkdir -p -m 755 m",
		execs:  []string{"truncate -s 0 t", "dd if=/dev/zero of=/dev/sdb bs=1M", "touch -d now u", "mkdir -p -m 755 m"},
		writes: []string{"truncate t", "truncate /dev/sdb", "touch u", "mkdir m"}},
	{name: "chmod chown", src: "chmod -R 755 d; chmod -x f; chown -R u:g o; chgrp g p; chmod --reference=r q",
		execs:  []string{"chmod -R 755 d", "chmod -x f", "chown -R u:g o", "chgrp g p", "chmod --reference=r q"},
		writes: []string{"meta d -r", "meta f", "meta o -r", "meta p", "meta q"}},
	{name: "git writes", src: "git checkout .; git checkout -- a.go; git switch -f main; git switch main; git restore --staged x; git restore y; git reset --hard; git reset HEAD~; git clean -fdx; git clean -n; git stash; git stash list; git -C r reset --hard",
		execs:  []string{"git checkout .", "git checkout -- a.go", "git switch -f main", "git switch main", "git restore --staged x", "git restore y", "git reset --hard", "git reset HEAD~", "git clean -fdx", "git clean -n", "git stash", "git stash list", "git -C r reset --hard"},
		writes: []string{"git . -r", "git a.go -r", "git . -r", "git y -r", "git . -r", "git . -r", "git . -r", "git r -r"}},
	{name: "git rm mv", src: "git rm -r --quiet d; git rm --cached c; git mv a b", execs: []string{"git rm -r --quiet d", "git rm --cached c", "git mv a b"},
		writes: []string{"delete d -r", "move b -r", "delete a -r"}},
	{name: "remote writes not local", src: "ssh h rm x", execs: []string{"ssh h rm x", "@1 ssh>rm x {remote}"}},

	// limits and errors are in their own tests
}

func testOptions(files map[string]string) Options {
	return Options{
		Dir: "/work",
		ReadFile: func(name string) ([]byte, error) {
			if s, ok := files[path.Clean(name)]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
	}
}

func TestExtract(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range extractTests {
		if seen[tt.name] {
			t.Fatalf("duplicate test name %q", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.src, testOptions(tt.files))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			var execs, writes, codes, unknowns []string
			for _, e := range p.Execs {
				execs = append(execs, fmtExec(e))
			}
			for _, w := range p.Writes {
				writes = append(writes, fmtWrite(w))
			}
			for _, c := range p.CodeTexts {
				codes = append(codes, fmtCode(c))
			}
			for _, u := range p.Unknowns {
				unknowns = append(unknowns, string(u.Kind))
			}
			check := func(what string, got, want []string) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("%s of %q:\n got: %s\nwant: %s", what, tt.src, strings.Join(quoteAll(got), ", "), strings.Join(quoteAll(want), ", "))
				}
			}
			check("execs", execs, tt.execs)
			check("writes", writes, tt.writes)
			check("code texts", codes, tt.codes)
			check("unknowns", unknowns, tt.unknowns)
			checkInvariants(t, p)
		})
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = "`" + x + "`"
	}
	return out
}

// checkInvariants checks what must hold for every plan.
func checkInvariants(t *testing.T, p *Plan) {
	t.Helper()
	valid := func(what string, s Span) {
		t.Helper()
		if !s.Start.IsValid() || s.Start.Offset > s.End.Offset || s.End.Offset > len(p.Src) {
			t.Errorf("%s: span %v-%v (offsets %d-%d) is not inside the %d-byte source", what, s.Start, s.End, s.Start.Offset, s.End.Offset, len(p.Src))
		}
	}
	for i, e := range p.Execs {
		valid(fmt.Sprintf("exec %d", i), e.Span)
		if !e.NameKnown && e.Name != "" {
			t.Errorf("exec %d: unknown name but Name=%q", i, e.Name)
		}
		if !e.NameKnown {
			found := false
			for _, u := range p.Unknowns {
				found = found || u.Exec == i && u.Kind == UnknownName
			}
			if !found {
				t.Errorf("exec %d has an unknown name and no UnknownName", i)
			}
		}
		for _, a := range e.Args {
			valid(fmt.Sprintf("exec %d arg %q", i, a.Value), a.Span)
		}
		if e.Uncalled && e.InFunction == "" {
			t.Errorf("exec %d: uncalled outside any function", i)
		}
	}
	for i, w := range p.Writes {
		valid(fmt.Sprintf("write %d", i), w.Span)
		if w.Exec < -1 || w.Exec >= len(p.Execs) {
			t.Errorf("write %d: exec index %d out of range", i, w.Exec)
		}
		if w.Exec >= 0 && w.Exec < len(p.Execs) && w.Uncalled && !p.Execs[w.Exec].Uncalled {
			t.Errorf("write %d: uncalled, but its exec %d runs", i, w.Exec)
		}
	}
	for i, c := range p.CodeTexts {
		valid(fmt.Sprintf("code %d", i), c.Span)
		if c.Exec < 0 || c.Exec >= len(p.Execs) {
			t.Errorf("code %d: exec index %d out of range", i, c.Exec)
		}
	}
	for i, u := range p.Unknowns {
		valid(fmt.Sprintf("unknown %d", i), u.Span)
		if u.Exec < -1 || u.Exec >= len(p.Execs) {
			t.Errorf("unknown %d: exec index %d out of range", i, u.Exec)
		}
	}
	if p.Src == "" && len(p.Execs) > 0 {
		t.Errorf("plan has execs but no source")
	}
}

func TestSyntaxError(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want string
	}{
		{"echo 'x", "1:6: reached EOF without closing quote `'`"},
		{"if true; then", "1:10: `then` must be followed by a statement list"},
		{"a\n  b |", "2:5: `|` must be followed by a statement"},
		{"echo $((", "1:6: `$((` must be followed by an expression"},
		{"echo )", "1:6: a command can only contain words and redirects; encountered `)`"},
	} {
		p, err := Parse(tt.src, Options{})
		var pe *Error
		if !errors.As(err, &pe) || p != nil {
			t.Errorf("Parse(%q) = %v, %v; want *Error and no plan", tt.src, p, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %q, want %q", tt.src, err.Error(), tt.want)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Run("MaxBytes", func(t *testing.T) {
		_, err := Parse("echo 123456789", Options{MaxBytes: 8})
		var pe *Error
		if !errors.As(err, &pe) || pe.Pos.Offset != 8 || !strings.Contains(pe.Msg, "over the limit of 8") {
			t.Fatalf("err = %v, want an *Error at offset 8", err)
		}
	})
	kinds := func(p *Plan) []string {
		var out []string
		for _, u := range p.Unknowns {
			out = append(out, string(u.Kind))
		}
		return out
	}
	t.Run("MaxDepth", func(t *testing.T) {
		// three levels of bash -c around rm
		src := `bash -c "bash -c 'bash -c \"rm x\"'"`
		p, err := Parse(src, Options{MaxDepth: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); !slices.Equal(got, []string{"limit"}) {
			t.Errorf("unknowns = %v, want [limit]", got)
		}
		for _, e := range p.Execs {
			if e.Name == "rm" {
				t.Errorf("rm at depth %d past MaxDepth 2", e.Depth)
			}
		}
		p, err = Parse(src, Options{MaxDepth: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); len(got) != 0 || fmtExec(p.Execs[len(p.Execs)-1]) != "@3 bash>bash>bash>rm x" {
			t.Errorf("MaxDepth 3: unknowns %v, last exec %q", got, fmtExec(p.Execs[len(p.Execs)-1]))
		}
	})
	t.Run("DefaultDepth", func(t *testing.T) {
		src := strings.Repeat("eval ", 20) + "rm x"
		p, err := Parse(src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); !slices.Equal(got, []string{"limit"}) {
			t.Errorf("unknowns = %v, want [limit]", got)
		}
		if n := len(p.Execs); n != DefaultMaxDepth+1 {
			t.Errorf("%d execs, want %d", n, DefaultMaxDepth+1)
		}
	})
	t.Run("MaxNodes", func(t *testing.T) {
		src := strings.Repeat("a; ", 50) + "rm -rf x"
		p, err := Parse(src, Options{MaxNodes: 40})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); !slices.Equal(got, []string{"limit"}) {
			t.Fatalf("unknowns = %v, want [limit]", got)
		}
		u := p.Unknowns[0]
		if u.Span.End.Offset != len(src) || !strings.HasSuffix(u.Text, "rm -rf x") {
			t.Errorf("limit unknown covers %q, want the rest of the input", u.Text)
		}
		for _, e := range p.Execs {
			if e.Name == "rm" {
				t.Errorf("rm extracted past MaxNodes")
			}
		}
		if p.Nodes <= 40 {
			t.Errorf("Nodes = %d, want more than the limit", p.Nodes)
		}
	})
	t.Run("MaxHeredoc", func(t *testing.T) {
		body := strings.Repeat("DROP TABLE t;\n", 10)
		p, err := Parse("psql <<EOF\n"+body+"EOF\n", Options{MaxHeredoc: 50})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); !slices.Equal(got, []string{"limit", "limit"}) || len(p.CodeTexts) != 0 {
			t.Errorf("unknowns = %v, codes %d; want two limits (body, client) and no code", got, len(p.CodeTexts))
		}
		p, err = Parse("bash <<< '"+strings.Repeat("rm x;", 20)+"'", Options{MaxHeredoc: 50})
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); !slices.Equal(got, []string{"limit", "limit"}) || len(p.Execs) != 1 {
			t.Errorf("here-string: unknowns = %v, execs %d", got, len(p.Execs))
		}
	})
	t.Run("SourcedFileSize", func(t *testing.T) {
		o := testOptions(map[string]string{"/work/big.sh": strings.Repeat("rm x\n", 100)})
		o.MaxBytes = 100
		p, err := Parse(". big.sh", o)
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); !slices.Equal(got, []string{"limit"}) {
			t.Errorf("unknowns = %v, want [limit]", got)
		}
	})
}

// TestSpans checks the position mapping: exact for verbatim nested text,
// the enclosing word otherwise.
func TestSpans(t *testing.T) {
	for _, tt := range []struct {
		src, exec string // the Exec (by fmtExec) whose span is checked
		want      string // its snippet
		line, col int
	}{
		{"rm -rf x", "rm -rf x", "rm -rf x", 1, 1},
		{"a;\n  rm x > out", "rm x", "rm x > out", 2, 3},
		{`bash -c 'ls; rm -rf x'`, "@1 bash>rm -rf x", "rm -rf x", 1, 14},
		{`eval "rm -rf x"`, "@1 eval>rm -rf x", "rm -rf x", 1, 7},
		{`eval rm  -rf   x`, "@1 eval>rm -rf x", "rm  -rf   x", 1, 6},
		{"bash <<'EOF'\necho\nrm x\nEOF", "@1 bash>rm x", "rm x", 3, 1},
		{"echo 'rm x' | sh", "@1 sh>rm x", "rm x", 1, 7},
		{`bash -c "rm \"a b\""`, "@1 bash>rm \"a b\"", `"rm \"a b\""`, 1, 9},
		{`bash -c 'rm '"x"`, "@1 bash>rm x", `'rm '"x"`, 1, 9},
		{`sudo sh -c 'rm x'`, "@1 sudo>sh>rm x", "rm x", 1, 13},
		{"ssh h 'rm x'", "@1 ssh>rm x {remote}", "rm x", 1, 8},
	} {
		p, err := Parse(tt.src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range p.Execs {
			if fmtExec(e) != tt.exec {
				continue
			}
			found = true
			if got := p.Snippet(e.Span); got != tt.want || e.Span.Start.Line != tt.line || e.Span.Start.Col != tt.col {
				t.Errorf("%q: exec %q at %v snippet %q, want %d:%d %q", tt.src, tt.exec, e.Span.Start, got, tt.line, tt.col, tt.want)
			}
		}
		if !found {
			t.Errorf("%q: no exec %q", tt.src, tt.exec)
		}
	}
}

// TestRedirectDetails checks the Redirect and Stdin fields.
func TestRedirectDetails(t *testing.T) {
	p, err := Parse("{ cat; } 2>err <<EOF\nhi $X\nEOF\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := p.Execs[0]
	if e.Stdin != "heredoc" || len(e.Redirects) != 2 {
		t.Fatalf("exec %+v", e)
	}
	if r := e.Redirects[0]; r.Op != ">" || r.Fd != 2 || r.Target.Value != "err" {
		t.Errorf("first redirect %+v", r)
	}
	if r := e.Redirects[1]; r.Op != "<<" || r.Fd != -1 || r.Target.Value != "hi $X\n" || r.Target.Known {
		t.Errorf("heredoc redirect %+v", r)
	}
	p, err = Parse("a | b < f", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Execs[0].Stdin != "" || p.Execs[1].Stdin != "file" {
		t.Errorf("stdin: %q %q", p.Execs[0].Stdin, p.Execs[1].Stdin)
	}
}

func TestWrapperArgs(t *testing.T) {
	p, err := Parse("sudo -u deploy env A=1 rm x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	rm := p.Execs[len(p.Execs)-1]
	if len(rm.Wrappers) != 2 {
		t.Fatalf("wrappers %+v", rm.Wrappers)
	}
	var args []string
	for _, a := range rm.Wrappers[0].Args {
		args = append(args, a.Value)
	}
	if !slices.Equal(args, []string{"-u", "deploy"}) || rm.Wrappers[1].Name != "env" || !slices.Equal(rm.Assigns, []string{"A=1"}) {
		t.Errorf("wrappers %+v assigns %v", rm.Wrappers, rm.Assigns)
	}
	if p.Snippet(rm.Wrappers[0].Span) != "sudo -u deploy env A=1 rm x" {
		t.Errorf("wrapper span %q", p.Snippet(rm.Wrappers[0].Span))
	}
}
