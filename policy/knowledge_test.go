package policy

import (
	"slices"
	"strings"
	"testing"

	"github.com/rrsh/rrsh/parse"
)

func words(s string) []parse.Word {
	var out []parse.Word
	for _, f := range strings.Fields(s) {
		out = append(out, hw(f))
	}
	return out
}

// describe renders an argv for comparison: "sub=X pos=[a b] flags=[-r -f --x=v]".
func describe(a argv) string {
	var pos, flags []string
	for _, p := range a.pos {
		pos = append(pos, p.val)
	}
	for _, f := range a.flags {
		if f.hasVal {
			flags = append(flags, f.name+"="+f.val)
		} else {
			flags = append(flags, f.name)
		}
	}
	sub := a.sub
	if a.subUnknown {
		sub = "?"
	}
	return "sub=" + sub + " pos=[" + strings.Join(pos, " ") + "] flags=[" + strings.Join(flags, " ") + "]"
}

// TestKnowledge checks the command-knowledge table on its own: how command
// lines of known tools read.
func TestKnowledge(t *testing.T) {
	tests := []struct {
		cmd  string
		want string
	}{
		{"rm -rf x", "sub= pos=[x] flags=[-r -f]"},
		{"rm -Rf x", "sub= pos=[x] flags=[-r -f]"},
		{"rm --recursive --force x", "sub= pos=[x] flags=[-r -f]"},
		{"rm -r x -f", "sub= pos=[x] flags=[-r -f]"},
		{"rm -r -- -f", "sub= pos=[-f] flags=[-r]"},
		{"rm -rfv --dir a b", "sub= pos=[a b] flags=[-r -f -v -d]"},
		{"git -C r push --force", "sub=push pos=[push] flags=[-C=r --force]"},
		{"git -Cr push -f", "sub=push pos=[push] flags=[-C=r --force]"},
		{"git -c a=b --git-dir=.git push origin +main", "sub=push pos=[push origin +main] flags=[-c=a=b --git-dir=.git --force]"},
		{"git push origin :feature", "sub=push pos=[push origin :feature] flags=[--delete]"},
		{"git push -fu origin x", "sub=push pos=[push origin x] flags=[--force --set-upstream]"},
		{"git commit -m DROP", "sub=commit pos=[commit] flags=[-m=DROP]"},
		{"git branch -D x", "sub=branch pos=[branch x] flags=[--delete --force]"},
		{"git clean -ffdx", "sub=clean pos=[clean] flags=[-f -f -d -x]"},
		{"git $X --force", "sub=? pos=[$X] flags=[--force]"},
		{"git -c alias.p=x p", "sub=x pos=[x] flags=[-c=alias.p=x]"},
		{"git -c alias.p=x p y", "sub=x pos=[x y] flags=[-c=alias.p=x]"},
		{"git -c alias.p=!x p", "sub=? pos=[p] flags=[-c=alias.p=!x]"},
		{"git -c alias.p=p p", "sub=? pos=[p] flags=[-c=alias.p=p]"},
		{"git -c alias.p=q -c alias.q=push p", "sub=? pos=[p] flags=[-c=alias.p=q -c=alias.q=push]"},
		{"git -c alias.q=x p", "sub=p pos=[p] flags=[-c=alias.q=x]"},
		{"busybox rm -rf x", "sub=rm pos=[rm x] flags=[-r -f]"},
		{"terraform -chdir=infra destroy", "sub=destroy pos=[destroy] flags=[-chdir=infra]"},
		{"terraform plan -destroy", "sub=plan pos=[plan] flags=[-destroy]"},
		{"terraform apply -destroy -auto-approve", "sub=destroy pos=[destroy] flags=[-destroy -auto-approve]"},
		{"terraform apply -var x=1", "sub=apply pos=[apply] flags=[-var=x=1]"},
		{"kubectl -n prod delete ns foo", "sub=delete pos=[delete namespace foo] flags=[-n=prod]"},
		{"kubectl delete namespaces/foo", "sub=delete pos=[delete namespace foo] flags=[]"},
		{"kubectl delete -f x.yaml", "sub=delete pos=[delete] flags=[-f=x.yaml]"},
		{"kubectl delete po --all -A", "sub=delete pos=[delete pod] flags=[--all --all-namespaces]"},
		{"npm t", "sub=test pos=[test] flags=[]"},
		{"npm tst", "sub=test pos=[test] flags=[]"},
		{"npm run test", "sub=test pos=[test] flags=[]"},
		{"npm run-script test -- --watch", "sub=test pos=[test --watch] flags=[]"},
		{"npm --prefix dir i -D x", "sub=install pos=[install x] flags=[--prefix=dir --save-dev]"},
		{"pnpm -C dir t", "sub=test pos=[test] flags=[-C=dir]"},
		{"yarn run build", "sub=build pos=[build] flags=[]"},
		{"cargo +nightly b --release", "sub=build pos=[build] flags=[--release]"},
		{"go -C dir test -run TestX ./...", "sub=test pos=[test ./...] flags=[-C=dir -run=TestX]"},
		{"helm -n x delete web", "sub=uninstall pos=[uninstall web] flags=[-n=x]"},
		{"aws --profile p s3 rm s3://b --recursive", "sub=s3 pos=[s3 rm s3://b] flags=[--profile=p --recursive]"},
		{"gcloud --project p compute instances delete vm", "sub= pos=[compute instances delete vm] flags=[--project=p]"},
		{"find / -name x -delete", "sub= pos=[/] flags=[-name=x -delete]"},
		{"find . -exec rm -rf {} ; -print", "sub= pos=[.] flags=[-exec -print]"},
		{"chmod --recursive 777 /", "sub= pos=[777 /] flags=[-R]"},
		{"mysql -psecret -e x", "sub= pos=[] flags=[-p=secret -e=x]"},
		{"psql --command=x db", "sub= pos=[db] flags=[-c=x]"},
		{"sqlite3 -cmd x db.sqlite", "sub= pos=[db.sqlite] flags=[-cmd=x]"},
		{"docker rm -fv c", "sub=rm pos=[rm c] flags=[--force --volumes]"},
		{"docker --context x push img", "sub=push pos=[push img] flags=[--context=x]"},
		{"drizzle-kit push --force", "sub=push pos=[push] flags=[--force]"},
		{"prisma migrate reset -f", "sub=migrate pos=[migrate reset] flags=[--force]"},
		{"xargs -I{} rm {}", "sub= pos=[rm {}] flags=[-I={}]"},
		{"curl -d @x https://h", "sub= pos=[https://h] flags=[-d=@x]"},
		{"sudo -u root rm", "sub= pos=[rm] flags=[-u=root]"},
		{"unknowncmd -abc=x --long=v pos", "sub= pos=[pos] flags=[-a -b -c -= -x --long=v]"},
	}
	for _, tt := range tests {
		f := strings.Fields(tt.cmd)
		got := describe(readArgs(toolFor(f[0]), words(strings.Join(f[1:], " ")), ""))
		if got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.cmd, got, tt.want)
		}
	}
}

// TestKnowledgeTable checks the table's own consistency.
func TestKnowledgeTable(t *testing.T) {
	required := []string{"git", "docker", "kubectl", "terraform", "npm", "pnpm", "yarn", "bun", "npx", "cargo", "go",
		"helm", "aws", "gcloud", "rm", "cp", "mv", "chmod", "chown", "find", "xargs", "sudo", "env", "timeout", "psql",
		"mysql", "sqlite3", "drizzle-kit", "prisma", "rsync", "dd", "tar", "curl", "wget", "ssh", "scp"}
	have := knownTools()
	for _, r := range required {
		if !slices.Contains(have, r) {
			t.Errorf("no knowledge of %s", r)
		}
	}
	for name, tl := range tools {
		if name == "" || strings.ContainsAny(name, " /") {
			t.Errorf("bad tool name %q", name)
		}
		check := func(where string, opts []string) {
			for _, o := range opts {
				if !strings.HasPrefix(o, "-") || strings.ContainsAny(o, " =") {
					t.Errorf("%s %s: bad option %q", name, where, o)
				}
				if !tl.longSingle && !strings.HasPrefix(o, "--") && len(o) != 2 {
					t.Errorf("%s %s: %q is a cluster of short options, not one option", name, where, o)
				}
			}
		}
		check("globals", tl.globals)
		check("values", tl.values)
		check("attached", tl.attached)
		if len(tl.globals) > 0 && !tl.sub {
			for _, g := range tl.globals {
				if !has(tl.values, g) {
					t.Errorf("%s: global %s without subcommands must also be in values", name, g)
				}
			}
		}
		for from, to := range tl.aliases {
			if !strings.HasPrefix(from, "-") || to == "" {
				t.Errorf("%s: bad alias %q -> %q", name, from, to)
			}
			// Canonical spellings are fixed points: aliasing twice changes nothing.
			for _, c := range strings.Fields(to) {
				if again := tl.alias("", c); again != c {
					t.Errorf("%s: alias %q -> %q is not canonical (it maps on to %q)", name, from, c, again)
				}
			}
		}
		for sub, st := range tl.subs {
			if !tl.sub {
				t.Errorf("%s: subcommand knowledge for %q without subcommands", name, sub)
			}
			check("sub "+sub+" values", st.values)
			for from, to := range st.aliases {
				for _, c := range strings.Fields(to) {
					if again := tl.alias(sub, c); again != c {
						t.Errorf("%s %s: alias %q -> %q is not canonical (it maps on to %q)", name, sub, from, c, again)
					}
				}
			}
		}
		for from, to := range tl.subAliases {
			if tl.canonSub(to) != to {
				t.Errorf("%s: subcommand alias %q -> %q is not canonical", name, from, to)
			}
		}
	}
}
