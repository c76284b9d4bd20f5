package policy

import "strings"

// This file is the command-knowledge table: what rrsh knows about the
// command lines of common tools, so that patterns match what a command
// means rather than how it is spelled. It is data only; args.go reads it.
//
// For every tool it can say:
//   - which options before the subcommand take a value (git -C dir),
//   - whether the first positional is a subcommand, and its aliases (npm t),
//   - which options take a value (so their values are not operands),
//   - flag aliases, per tool and per subcommand (rm -R = -r, git push -f = --force),
//   - positional aliases (kubectl ns = namespace),
//   - whether single-dash options are whole words (find -name, terraform -chdir=x).

// tool is what rrsh knows about one command.
type tool struct {
	// globals are options before the subcommand that take a value
	// ("-C" for git). Options written as --opt=value never need listing.
	globals []string
	// sub is set when the first positional is a subcommand.
	sub bool
	// subAliases maps a subcommand's other spellings to its canonical name.
	subAliases map[string]string
	// runScript lists subcommands that run a named script ("npm run test"):
	// the script name becomes the subcommand ("npm test").
	runScript []string
	// skipPlus skips a leading "+toolchain" positional (cargo +nightly build).
	skipPlus bool
	// values are options (anywhere) that take a separate value.
	values []string
	// attached are options whose value can only be attached (mysql -psecret).
	attached []string
	// aliases maps flags to their canonical spelling; a canonical spelling
	// may name several flags separated by spaces (git branch -D = --delete --force).
	aliases map[string]string
	// longSingle is set when single-dash options are whole words
	// (find -name, go test -run, terraform -auto-approve) and are never
	// split into clusters of letters.
	longSingle bool
	// posAliases maps positional words to a canonical spelling
	// (kubectl ns = namespace). A "type/name" positional is split at the slash
	// when splitTypeName is set.
	posAliases    map[string]string
	splitTypeName bool
	// execUntil: after one of these options, words up to ";" or "+" are a
	// command (find -exec … ;), not operands; parse lists that command.
	execUntil []string
	// configAlias is the option that can define subcommand aliases
	// (git -c alias.NAME=…): a subcommand so defined is not known.
	configAlias string
	// subs holds what is specific to one subcommand.
	subs map[string]subTool
}

// subTool is what rrsh knows about one subcommand.
type subTool struct {
	values  []string
	aliases map[string]string
	// plusForce: a positional "+ref" means --force, ":ref" means --delete
	// (git push refspecs).
	plusForce bool
	// flagSub: a flag that turns this subcommand into another one
	// (terraform apply -destroy is terraform destroy).
	flagSub map[string]string
}

var (
	rmAliases = map[string]string{"-R": "-r", "--recursive": "-r", "--force": "-f", "--dir": "-d", "--interactive": "-i", "--verbose": "-v"}
	cpAliases = map[string]string{"-R": "-r", "--recursive": "-r", "--force": "-f", "--archive": "-a", "--target-directory": "-t", "--no-target-directory": "-T"}
	npmSubs   = map[string]string{
		"i": "install", "in": "install", "ins": "install", "inst": "install", "insta": "install",
		"instal": "install", "isnt": "install", "isnta": "install", "isntal": "install", "isntall": "install", "add": "install",
		"t": "test", "tst": "test",
		"ci": "ci", "clean-install": "ci", "ic": "ci", "install-clean": "ci", "isntall-clean": "ci",
		"un": "uninstall", "remove": "uninstall", "rm": "uninstall", "r": "uninstall", "unlink": "uninstall",
		"x": "exec", "rb": "rebuild", "run-script": "run", "rum": "run", "urn": "run",
		"c": "config", "ln": "link", "up": "update", "upgrade": "update", "udpate": "update",
		"it": "install-test", "cit": "install-ci-test",
	}
	dockerRunAliases = map[string]string{"--volume": "-v", "--env": "-e", "--publish": "-p", "--workdir": "-w",
		"--user": "-u", "--interactive": "-i", "--tty": "-t", "--detach": "-d", "--hostname": "-h"}
	psqlValues = []string{"-c", "--command", "-d", "--dbname", "-f", "--file", "-h", "--host", "-p", "--port",
		"-U", "--username", "-v", "--set", "--variable", "-o", "--output", "-L", "--log-file", "-P", "--pset",
		"-T", "--table-attr", "-F", "--field-separator", "-R", "--record-separator"}
	sshValues = []string{"-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
		"-o", "-p", "-Q", "-R", "-S", "-W", "-w"}
	kubectlGlobals = []string{"-n", "--namespace", "--context", "--cluster", "--kubeconfig", "-s", "--server",
		"--user", "--token", "--as", "--as-group", "--as-uid", "--request-timeout", "--cache-dir",
		"--certificate-authority", "--client-certificate", "--client-key", "-v", "--profile", "--tls-server-name"}
	helmGlobals = []string{"-n", "--namespace", "--kube-context", "--kubeconfig", "--registry-config",
		"--repository-config", "--repository-cache", "--kube-apiserver", "--kube-token", "--kube-as-user", "--burst-limit"}
)

// tools is the table. Keys are command names after path removal.
var tools = map[string]*tool{
	"git": {
		globals:     []string{"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--config-env", "--list-cmds"},
		sub:         true,
		values:      []string{"-C", "-c"},
		configAlias: "-c",
		subs: map[string]subTool{
			"push": {
				values:    []string{"-o", "--push-option", "--repo", "--receive-pack", "--exec"},
				aliases:   map[string]string{"-f": "--force", "-d": "--delete", "-u": "--set-upstream", "-n": "--dry-run", "-q": "--quiet", "-v": "--verbose"},
				plusForce: true,
			},
			"clean": {
				values:  []string{"-e", "--exclude"},
				aliases: map[string]string{"--force": "-f", "--dry-run": "-n", "--interactive": "-i", "--quiet": "-q"},
			},
			"commit": {
				values:  []string{"-m", "--message", "-F", "--file", "-C", "--reuse-message", "-c", "--reedit-message", "--author", "--date", "-t", "--template", "--fixup", "--squash", "--cleanup", "--trailer", "--pathspec-from-file"},
				aliases: map[string]string{"-a": "--all", "-n": "--no-verify"},
			},
			"branch": {
				values:  []string{"-u", "--set-upstream-to", "--contains", "--no-contains", "--merged", "--no-merged", "--points-at", "--sort", "--format"},
				aliases: map[string]string{"-D": "--delete --force", "-d": "--delete", "-f": "--force", "-M": "--move --force", "-m": "--move", "-C": "--copy --force", "-c": "--copy"},
			},
			"checkout": {
				values:  []string{"-b", "-B", "--orphan", "--conflict", "--pathspec-from-file"},
				aliases: map[string]string{"-f": "--force"},
			},
			"switch": {
				values:  []string{"-c", "--create", "-C", "--force-create", "--orphan", "--conflict"},
				aliases: map[string]string{"-f": "--force", "--discard-changes": "--force"},
			},
			"reset":   {values: []string{"--pathspec-from-file"}},
			"restore": {values: []string{"-s", "--source", "--pathspec-from-file"}},
			"rebase": {
				values:  []string{"--onto", "-s", "--strategy", "-X", "--strategy-option", "-x", "--exec"},
				aliases: map[string]string{"-i": "--interactive"},
			},
			"tag": {
				values:  []string{"-m", "--message", "-F", "--file", "-u", "--local-user", "--contains", "--points-at", "--sort", "--format"},
				aliases: map[string]string{"-d": "--delete", "-f": "--force"},
			},
			"stash": {values: []string{"-m", "--message", "--pathspec-from-file"}},
			"merge": {values: []string{"-m", "-F", "--file", "-s", "--strategy", "-X", "--strategy-option"}},
			"log":   {values: []string{"-n", "--max-count", "--author", "--grep", "--since", "--until", "--format", "--pretty"}},
			"remote": {
				aliases: map[string]string{"rm": "remove"},
			},
			"config": {values: []string{"-f", "--file", "--blob", "--type", "--default"}},
		},
	},
	"docker": {
		globals: []string{"--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"},
		sub:     true,
		values: []string{"-e", "--env", "--env-file", "-v", "--volume", "-p", "--publish", "--name", "-w", "--workdir",
			"-u", "--user", "--network", "--mount", "--entrypoint", "--label", "--platform", "-m", "--memory",
			"--cpus", "--hostname", "--filter", "--format", "--add-host", "--cap-add", "--cap-drop", "--device",
			"--restart", "--shm-size", "--ulimit"},
		subs: map[string]subTool{
			"build":   {values: []string{"-t", "--tag", "-f", "--file", "--build-arg", "--target", "--cache-from", "--secret", "--ssh", "-o", "--output"}},
			"buildx":  {values: []string{"-t", "--tag", "-f", "--file", "--build-arg", "--target", "--cache-from", "--cache-to", "--secret", "--ssh", "-o", "--output", "--builder"}},
			"compose": {values: []string{"-f", "--file", "-p", "--project-name", "--profile", "--env-file", "--project-directory"}},
			"run":     {values: []string{"-h", "-l", "--label"}, aliases: dockerRunAliases},
			"create":  {values: []string{"-h", "-l", "--label"}, aliases: dockerRunAliases},
			"rm":      {aliases: map[string]string{"-f": "--force", "-v": "--volumes", "-l": "--link"}},
			"rmi":     {aliases: map[string]string{"-f": "--force"}},
			"system":  {aliases: map[string]string{"-a": "--all", "-f": "--force"}, values: []string{"--filter"}},
			"volume":  {aliases: map[string]string{"-a": "--all", "-f": "--force"}, values: []string{"--filter"}},
			"image":   {aliases: map[string]string{"-a": "--all", "-f": "--force"}, values: []string{"--filter"}},
			"push":    {aliases: map[string]string{"-a": "--all-tags", "-q": "--quiet"}, values: []string{"--platform"}},
		},
	},
	"kubectl": {
		globals:       kubectlGlobals,
		sub:           true,
		values:        append([]string{"-f", "--filename", "-l", "--selector", "-o", "--output", "--field-selector", "-k", "--kustomize", "-c", "--container", "--grace-period", "--timeout", "--cascade", "-p", "--patch", "--type", "--image", "--replicas", "--port", "-L", "--label-columns", "--sort-by", "--template"}, kubectlGlobals...),
		posAliases:    kubeResources,
		splitTypeName: true,
		subs: map[string]subTool{
			"delete": {aliases: map[string]string{"-A": "--all-namespaces", "-R": "--recursive", "-i": "--interactive"}},
			"get":    {aliases: map[string]string{"-A": "--all-namespaces", "-w": "--watch", "-R": "--recursive"}},
		},
	},
	"terraform": {
		globals:    []string{},
		sub:        true,
		longSingle: true,
		values: []string{"-var", "-var-file", "-target", "-replace", "-state", "-state-out", "-backup", "-out",
			"-lock-timeout", "-parallelism", "-backend-config", "-chdir"},
		subs: map[string]subTool{
			"apply": {flagSub: map[string]string{"-destroy": "destroy"}},
		},
	},
	"tofu": {
		sub:        true,
		longSingle: true,
		values: []string{"-var", "-var-file", "-target", "-replace", "-state", "-state-out", "-backup", "-out",
			"-lock-timeout", "-parallelism", "-backend-config", "-chdir"},
		subs: map[string]subTool{
			"apply": {flagSub: map[string]string{"-destroy": "destroy"}},
		},
	},
	"npm": {
		globals:    []string{"--prefix", "-w", "--workspace", "--registry", "--cache", "--userconfig", "--globalconfig", "-C", "--loglevel"},
		sub:        true,
		subAliases: npmSubs,
		runScript:  []string{"run"},
		values:     []string{"--prefix", "-w", "--workspace", "--registry", "--cache", "--userconfig", "--tag", "--access", "--otp", "--loglevel", "-C"},
		aliases:    map[string]string{"-g": "--global", "-D": "--save-dev", "-S": "--save", "-E": "--save-exact", "-f": "--force", "-y": "--yes"},
	},
	"pnpm": {
		globals: []string{"-C", "--dir", "-F", "--filter", "--workspace-concurrency", "--reporter", "--loglevel"},
		sub:     true,
		subAliases: map[string]string{
			"i": "install", "t": "test", "tst": "test", "rm": "remove", "uninstall": "remove", "un": "remove",
			"run-script": "run", "up": "update", "upgrade": "update", "ln": "link", "x": "exec",
		},
		runScript: []string{"run"},
		values:    []string{"-C", "--dir", "-F", "--filter", "--tag", "--access", "--otp", "--registry", "--reporter"},
		aliases:   map[string]string{"-g": "--global", "-D": "--save-dev", "-P": "--save-prod", "-E": "--save-exact", "-r": "--recursive", "-f": "--force"},
	},
	"yarn": {
		globals:    []string{"--cwd", "--registry", "--cache-folder", "--modules-folder"},
		sub:        true,
		subAliases: map[string]string{"t": "test"},
		runScript:  []string{"run"},
		values:     []string{"--cwd", "--registry", "--tag", "--access", "--otp", "--new-version"},
		aliases:    map[string]string{"-D": "--dev", "-E": "--exact", "-W": "--ignore-workspace-root-check"},
	},
	"bun": {
		globals:    []string{"--cwd", "-c", "--config"},
		sub:        true,
		subAliases: map[string]string{"i": "install", "a": "add", "rm": "remove", "x": "x", "c": "create"},
		runScript:  []string{"run"},
		values:     []string{"--cwd", "-c", "--config", "--tag", "--access", "--otp", "--registry", "-e", "--eval", "-p", "--print", "-t", "--test-name-pattern"},
		aliases:    map[string]string{"-d": "--dev", "-D": "--dev", "-g": "--global", "-E": "--exact"},
	},
	"npx": {
		sub:    true,
		values: []string{"-p", "--package", "-c", "--call", "--prefix", "-w", "--workspace"},
		aliases: map[string]string{
			"-y": "--yes",
		},
	},
	"bunx": {sub: true, values: []string{"-p", "--package"}},
	"cargo": {
		globals:  []string{"-Z", "--config", "-C", "--color"},
		sub:      true,
		skipPlus: true,
		subAliases: map[string]string{
			"b": "build", "t": "test", "r": "run", "c": "check", "d": "doc", "rm": "remove",
		},
		values: []string{"-p", "--package", "--manifest-path", "--target", "--target-dir", "--features", "-F",
			"--bin", "--example", "--test", "--bench", "-j", "--jobs", "--profile", "--token", "--registry", "--index",
			"-Z", "--config", "-C", "--color", "--message-format", "--exclude"},
		aliases: map[string]string{"-r": "--release", "-q": "--quiet", "-v": "--verbose"},
	},
	"go": {
		globals:    []string{"-C"},
		sub:        true,
		longSingle: true,
		values: []string{"-C", "-o", "-run", "-skip", "-bench", "-benchtime", "-count", "-tags", "-ldflags", "-gcflags",
			"-asmflags", "-p", "-timeout", "-exec", "-fuzz", "-fuzztime", "-coverprofile", "-covermode", "-coverpkg",
			"-cpuprofile", "-memprofile", "-mod", "-modfile", "-overlay", "-pgo", "-toolexec", "-parallel", "-cpu", "-list", "-shuffle"},
	},
	"helm": {
		globals: helmGlobals,
		sub:     true,
		subAliases: map[string]string{
			"delete": "uninstall", "del": "uninstall", "un": "uninstall",
			"ls": "list", "upgrade": "upgrade",
		},
		values: append([]string{"-f", "--values", "--set", "--set-string", "--set-file", "--version", "--timeout",
			"--description", "-o", "--output", "--post-renderer", "--repo", "--username", "--password"}, helmGlobals...),
	},
	"aws": {
		globals: []string{"--profile", "--region", "--output", "--endpoint-url", "--query", "--color",
			"--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--cli-binary-format"},
		sub: true,
		values: []string{"--profile", "--region", "--output", "--endpoint-url", "--query", "--include", "--exclude",
			"--acl", "--storage-class", "--sse", "--cli-input-json", "--instance-ids", "--bucket", "--key", "--expected-size",
			"--cache-control", "--content-type", "--metadata", "--grants", "--page-size"},
	},
	"gcloud": {
		// gcloud groups nest to any depth (gcloud compute instances delete), so
		// there is no single subcommand: patterns match its positionals in order.
		globals: []string{"--project", "--account", "--configuration", "--verbosity", "--format", "--impersonate-service-account",
			"--billing-project", "--flags-file", "--flatten", "--trace-token"},
		values: []string{"--project", "--account", "--configuration", "--verbosity", "--format", "--impersonate-service-account",
			"--billing-project", "--flags-file", "--flatten", "--trace-token", "--zone", "--region", "--filter", "--limit", "--sort-by"},
		aliases: map[string]string{"-q": "--quiet"},
	},
	"rm":     {aliases: rmAliases},
	"rmdir":  {aliases: map[string]string{"--parents": "-p", "--verbose": "-v"}},
	"shred":  {values: []string{"-n", "--iterations", "-s", "--size", "--random-source"}, aliases: map[string]string{"--remove": "-u", "--force": "-f", "--zero": "-z"}},
	"unlink": {},
	// busybox and toybox run the applet named by their first argument.
	"busybox": {sub: true},
	"toybox":  {sub: true},
	"cp":      {values: []string{"-t", "--target-directory", "-S", "--suffix"}, aliases: cpAliases},
	"mv":      {values: []string{"-t", "--target-directory", "-S", "--suffix"}, aliases: map[string]string{"--force": "-f", "--target-directory": "-t", "--no-clobber": "-n", "--interactive": "-i"}},
	"ln":      {values: []string{"-t", "--target-directory", "-S", "--suffix"}, aliases: map[string]string{"--force": "-f", "--symbolic": "-s"}},
	"install": {values: []string{"-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory", "-S", "--suffix"},
		aliases: map[string]string{"--directory": "-d"}},
	"chmod": {values: []string{"--reference"}, aliases: map[string]string{"--recursive": "-R", "--changes": "-c", "--silent": "-f", "--quiet": "-f"}},
	"chown": {values: []string{"--reference", "--from"}, aliases: map[string]string{"--recursive": "-R"}},
	"chgrp": {values: []string{"--reference"}, aliases: map[string]string{"--recursive": "-R"}},
	"find": {
		longSingle: true,
		values: []string{"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex",
			"-type", "-xtype", "-maxdepth", "-mindepth", "-newer", "-anewer", "-cnewer", "-perm", "-user", "-group",
			"-uid", "-gid", "-size", "-mtime", "-atime", "-ctime", "-mmin", "-amin", "-cmin", "-inum", "-links",
			"-samefile", "-lname", "-ilname", "-fstype", "-context", "-printf", "-fprintf", "-fprint", "-fprint0", "-fls",
			"-used", "-regextype", "-newerXY"},
		execUntil: []string{"-exec", "-execdir", "-ok", "-okdir"},
	},
	"xargs": {
		values: []string{"-I", "-n", "--max-args", "-P", "--max-procs", "-L", "--max-lines", "-s", "--max-chars",
			"-d", "--delimiter", "-E", "-e", "-a", "--arg-file", "--replace", "--process-slot-var"},
		attached: []string{"-i", "-l"},
	},
	"sudo": {values: []string{"-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host",
		"-p", "--prompt", "-r", "--role", "-t", "--type", "-U", "--other-user", "-T", "--command-timeout", "-R", "--chroot"}},
	"doas":    {values: []string{"-u", "-C"}},
	"env":     {values: []string{"-u", "--unset", "-C", "--chdir", "-S", "--split-string", "--default-signal", "--ignore-signal", "--block-signal"}, aliases: map[string]string{"--ignore-environment": "-i"}},
	"timeout": {values: []string{"-s", "--signal", "-k", "--kill-after"}},
	"nice":    {values: []string{"-n", "--adjustment"}},
	"psql":    {values: psqlValues, aliases: map[string]string{"--command": "-c", "--file": "-f", "--dbname": "-d", "--host": "-h", "--username": "-U"}},
	"mysql": {
		values:   []string{"-e", "--execute", "-u", "--user", "-h", "--host", "-P", "--port", "-D", "--database", "-S", "--socket", "--defaults-file", "--init-command"},
		attached: []string{"-p"},
		aliases:  map[string]string{"--execute": "-e", "--database": "-D", "--user": "-u", "--host": "-h", "--force": "-f"},
	},
	"mariadb": {
		values:   []string{"-e", "--execute", "-u", "--user", "-h", "--host", "-P", "--port", "-D", "--database", "-S", "--socket", "--defaults-file", "--init-command"},
		attached: []string{"-p"},
		aliases:  map[string]string{"--execute": "-e", "--database": "-D", "--user": "-u", "--host": "-h", "--force": "-f"},
	},
	"sqlite3": {
		longSingle: true,
		values:     []string{"-cmd", "-init", "-separator", "-newline", "-nullvalue", "-vfs", "-maxsize", "-mmap", "-pagecache", "-lookaside", "-heap"},
	},
	"dropdb":    {values: []string{"-h", "--host", "-p", "--port", "-U", "--username", "--maintenance-db"}, aliases: map[string]string{"--force": "-f", "--if-exists": "--if-exists"}},
	"redis-cli": {values: []string{"-h", "-p", "-s", "-a", "--user", "--pass", "-u", "-n", "-r", "-i", "-d", "--tls", "--cacert", "--cert", "--key"}},
	"drizzle-kit": {
		sub:        true,
		subAliases: map[string]string{"introspect": "pull"},
		values:     []string{"--config", "--dialect", "--schema", "--out", "--url", "--host", "--port", "--user", "--password", "--database", "--driver", "--tablesFilter", "--schemaFilters", "--extensionsFilters", "--casing", "--prefix"},
	},
	"prisma": {
		sub:     true,
		values:  []string{"--schema", "--name", "-n", "--url", "--from-url", "--to-url", "--file", "--shadow-database-url"},
		aliases: map[string]string{"-f": "--force"},
	},
	"rsync": {
		values: []string{"-e", "--rsh", "--exclude", "--include", "--exclude-from", "--include-from", "--filter",
			"--rsync-path", "--password-file", "-T", "--temp-dir", "--backup-dir", "--suffix", "--chmod", "--chown",
			"--log-file", "--files-from", "--compare-dest", "--copy-dest", "--link-dest", "-B", "--block-size",
			"--max-size", "--min-size", "--bwlimit", "--timeout", "--port", "--out-format"},
		aliases: map[string]string{"--recursive": "-r", "--archive": "-a", "--del": "--delete-during", "--verbose": "-v"},
	},
	"dd":  {},
	"tar": {values: []string{"-f", "--file", "-C", "--directory", "-T", "--files-from", "-X", "--exclude-from", "--exclude", "-b", "--blocking-factor", "-I", "--use-compress-program", "--transform", "--owner", "--group", "--mode", "--mtime"}},
	"curl": {values: []string{"-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "--data-ascii", "-F", "--form", "--form-string", "-H", "--header", "-o", "--output", "-u", "--user", "-X", "--request", "-T", "--upload-file", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-K", "--config", "-x", "--proxy", "--url", "-w", "--write-out", "--cacert", "--cert", "--key", "-E", "-m", "--max-time", "--connect-timeout", "-r", "--range", "--retry", "-D", "--dump-header", "--json", "--netrc-file", "--resolve", "--output-dir"},
		aliases: map[string]string{"--remote-name": "-O", "--silent": "-s", "--location": "-L", "--insecure": "-k", "--fail": "-f"}},
	"wget": {values: []string{"-O", "--output-document", "-o", "--output-file", "-a", "--append-output", "-P", "--directory-prefix",
		"--post-file", "--post-data", "--body-file", "--body-data", "-e", "--execute", "--header", "-U", "--user-agent",
		"-i", "--input-file", "--user", "--password", "--http-user", "--http-password", "-t", "--tries", "-T", "--timeout", "--method", "--load-cookies", "--save-cookies"}},
	"ssh":  {values: sshValues},
	"scp":  {values: []string{"-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-S", "-X"}, aliases: map[string]string{}},
	"sftp": {values: []string{"-B", "-b", "-c", "-D", "-F", "-i", "-J", "-l", "-o", "-P", "-R", "-S", "-s", "-X"}},
}

// kubeResources maps kubectl resource-type spellings to one canonical name.
var kubeResources = map[string]string{
	"ns": "namespace", "namespaces": "namespace",
	"po": "pod", "pods": "pod",
	"deploy": "deployment", "deployments": "deployment",
	"svc": "service", "services": "service",
	"pvc": "persistentvolumeclaim", "persistentvolumeclaims": "persistentvolumeclaim",
	"pv": "persistentvolume", "persistentvolumes": "persistentvolume",
	"no": "node", "nodes": "node",
	"cm": "configmap", "configmaps": "configmap",
	"sts": "statefulset", "statefulsets": "statefulset",
	"ds": "daemonset", "daemonsets": "daemonset",
	"rs": "replicaset", "replicasets": "replicaset",
	"crd": "customresourcedefinition", "crds": "customresourcedefinition", "customresourcedefinitions": "customresourcedefinition",
	"secrets": "secret", "jobs": "job", "cj": "cronjob", "cronjobs": "cronjob",
	"ing": "ingress", "ingresses": "ingress", "sa": "serviceaccount", "serviceaccounts": "serviceaccount",
	"ep": "endpoints", "hpa": "horizontalpodautoscaler", "netpol": "networkpolicy",
	"clusterroles": "clusterrole", "clusterrolebindings": "clusterrolebinding", "roles": "role", "rolebindings": "rolebinding",
}

// toolFor returns the knowledge for a command name, or nil when rrsh knows
// nothing special about it. Names like mkfs.ext4 have no entry.
func toolFor(name string) *tool { return tools[name] }

// knownTools lists the table's command names (for tests and documentation).
func knownTools() []string {
	out := make([]string, 0, len(tools))
	for n := range tools {
		out = append(out, n)
	}
	return out
}

// has reports whether list contains s.
func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// takesValue reports whether option opt takes a separate value in the
// context of tool t (nil: an unknown tool, where no option does) and
// subcommand sub.
func (t *tool) takesValue(sub, opt string, beforeSub bool) bool {
	if t == nil {
		return false
	}
	if beforeSub && t.sub {
		return has(t.globals, opt)
	}
	if st, ok := t.subs[sub]; ok {
		if has(st.values, opt) {
			return true
		}
		if _, ok := st.aliases[opt]; ok {
			// The subcommand gives the option its own meaning (docker rm -v
			// is --volumes, not docker run's -v VOLUME).
			return false
		}
	}
	return has(t.values, opt)
}

// attachedOnly reports whether opt takes a value only when attached.
func (t *tool) attachedOnly(opt string) bool { return t != nil && has(t.attached, opt) }

// alias maps a flag to its canonical spelling(s) in the context of t and sub.
func (t *tool) alias(sub, flag string) string {
	if t == nil {
		return flag
	}
	if st, ok := t.subs[sub]; ok {
		if a, ok := st.aliases[flag]; ok {
			return a
		}
	}
	if a, ok := t.aliases[flag]; ok {
		return a
	}
	return flag
}

// canonSub maps a subcommand spelling to its canonical name.
func (t *tool) canonSub(s string) string {
	if t == nil {
		return s
	}
	if a, ok := t.subAliases[s]; ok {
		return a
	}
	return s
}

// canonPos maps a positional word to its canonical spelling.
func (t *tool) canonPos(s string) string {
	if t == nil || t.posAliases == nil {
		return s
	}
	if a, ok := t.posAliases[s]; ok {
		return a
	}
	if i := strings.IndexByte(s, '.'); i > 0 { // kubectl deployments.apps
		if a, ok := t.posAliases[s[:i]]; ok {
			return a
		}
	}
	return s
}
