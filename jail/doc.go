// Package jail builds the sandbox an approved command runs in: bwrap
// (bubblewrap) on Linux, sandbox-exec on macOS.
//
// It only produces an argv. The caller builds the real shell's argv
// (bash <same flags> -c <same string>), asks [Config.Wrap] to wrap it, and
// starts the result itself with os/exec, keeping fds 0–2, the process
// group, signals and the exit status (bwrap exits with the command's
// status, or 128+n when the command was killed by signal n).
//
//	c := jail.New(root, home, os.Getenv("TMPDIR")).
//		Writable(jail.DefaultCaches(home)...).
//		Writable(jail.AgentDirs(home, os.Getenv("CODEX_HOME"))...).
//		ReadOnly(stateDir, configDir, rrshBinary).
//		Cwd(cwd).
//		Terminal(stdinIsTTY || stdoutIsTTY)
//	if err := jail.Check(c); err != nil { // errors.Is(err, jail.ErrUnavailable)
//		return err // refuse to run: never run unjailed by accident
//	}
//	argv, err := c.Wrap([]string{"/bin/bash", "-c", command})
//	// exec.Command(argv[0], argv[1:]...) …; journal c.String()
//
// # What the Linux jail enforces
//
//   - The real filesystem at the same paths, read-only (--ro-bind / /),
//     with a private /dev and a /proc of its own pid namespace.
//   - Writable: the project root, $TMPDIR (when given) and /tmp, and what
//     the caller adds with [Config.Writable] (tool caches, agent snapshot
//     directories).
//   - Hidden: credentials below home (~/.ssh, ~/.aws, ~/.gnupg,
//     ~/.config/gcloud, ~/.kube, ~/.docker, ~/.netrc, ~/.git-credentials,
//     ~/.config/gh, ~/.pgpass, ~/.npmrc, ~/.pypirc, cargo and gem
//     credentials, ~/.azure, keyrings, …), container and session sockets
//     (/run/docker.sock, containerd, podman, cri-o, buildkit, lxd, snapd,
//     /run/user, /run/dbus, systemd's private socket, screen), the tmux,
//     ssh-agent, X11, ICE and VS Code sockets found in /tmp and $TMPDIR, and
//     what the caller adds with [Config.Hidden]. A directory becomes an empty
//     read-only tmpfs; a file becomes /dev/null mounted without device
//     access, so opening it fails with EACCES. ~/.npmrc is hidden although
//     it may also hold registry settings, because it usually holds a publish
//     token; put registry settings in the project's .npmrc or in
//     npm_config_* variables.
//   - Read-only even inside writable areas: the repository's hooks and
//     config (following a worktree's .git file and commondir; the .git file
//     of a worktree is read-only too, so it cannot be pointed at another
//     repository), shell rc
//     files and git config below home, agent and editor settings (.claude,
//     ~/.claude.json, .codex, .gemini, .mcp.json, .vscode, .idea, .envrc),
//     rrsh's policy files (railroad.yaml, .rrsh.yaml at the root), and what
//     the caller adds with [Config.ReadOnly] (rrsh's state directory,
//     configuration directory and binary).
//   - Namespaces: mount, user (and nested user namespaces disabled, so the
//     command cannot rearrange its mounts), pid (processes outside cannot
//     be seen or signalled), ipc, uts, cgroup when available, and net with
//     [NetworkNone]. No capabilities. The command dies with bwrap
//     (--die-with-parent). RRSH_JAILED=1 is set inside ([InSandbox]).
//   - With [Config.Terminal](true), a new session without a controlling
//     terminal, so TIOCSTI cannot push keystrokes into a terminal. Without
//     a terminal, the command stays in the caller's session and process
//     group, so the agent's kill of its process group reaches the command
//     with the signal the agent chose (a new session would leave the
//     command outside that group: it would only be SIGKILLed when bwrap
//     dies, and never see SIGINT or SIGTERM); /dev/tty is hidden instead,
//     so the command cannot reach a controlling terminal it inherited.
//
// # Paths
//
// Every path is absolute and cleaned. Only paths that exist are mounted
// (bwrap cannot protect a path that is not there); [Config.String] lists
// the caller's paths that are absent and counts the absent defaults. Symlinks are resolved and the
// target is mounted at its own path, where the symlink still points
// (bwrap cannot mount at a destination whose parents are symlinks, and
// a mount never lands on a symlink itself). When two entries
// meet at one path, hidden beats read-only beats writable; otherwise the
// more specific path wins (~/.claude read-only, ~/.claude/shell-snapshots
// writable), and nothing below a hidden path is ever mounted back.
//
// A protected path inside a writable area could be escaped by renaming a
// directory above it (mv .git .git.old, then recreate .git/hooks): the
// mount moves with the directory. So every directory between a protected
// path and the writable mount around it is bound onto itself ("pinned"),
// which makes rename and rmdir of it fail with EBUSY. A side effect: a
// rename between a pinned directory and its parent fails with EXDEV, so mv
// falls back to copying.
//
// When the repository has no hooks directory, an empty read-only one is
// mounted at .git/hooks anyway; bwrap creates that (empty) directory in the
// repository. It is the only change the jail makes to the filesystem.
//
// # macOS
//
// [Profile] generates an SBPL profile with the same intent (allow by
// default; deny writes outside writable areas and inside read-only paths;
// deny reading and writing hidden paths; deny IP networking with
// [NetworkNone]; deny signals outside the sandbox and Apple Events), and
// Wrap runs `sandbox-exec -p PROFILE /usr/bin/env RRSH_JAILED=1 argv…`.
//
// # Limitations
//
//   - The network is shared by default ([NetworkAllow]): the command can
//     reach anything the user can, including services on the host's
//     127.0.0.1 and abstract unix sockets (the X server, session buses that
//     listen on abstract addresses). [NetworkNone] removes both.
//   - The read-only root still lets the command read everything that is
//     not hidden: source trees of other projects, /etc, world-readable
//     files of other users. Hiding is a deny list of known credential
//     places, not an allow list.
//   - Unix sockets reachable by path in readable places are connectable: a
//     read-only mount does not stop connect(2). The known socket places are
//     hidden; a socket elsewhere (a database's socket in /run/postgresql, a
//     tmux server with a custom TMUX_TMPDIR, an ssh-agent socket outside
//     /tmp, one created after the command started) is reachable.
//   - A protected path that does not exist when the command starts is not
//     protected (except .git/hooks, see above): bwrap cannot mount over a
//     missing file, and creating an empty one would change the meaning of
//     files such as ~/.bash_profile. This matters when a writable area
//     contains home (project root == $HOME): the command can create a new
//     ~/.bash_profile, ~/.config/autostart entry or ~/.local/bin program.
//     Do not make $HOME the project root. core.hooksPath pointing inside the
//     project is likewise not followed.
//   - A protected path that is a symlink is protected at its target. When
//     the symlink itself lies inside a writable area (a dotfile manager's
//     ~/.bashrc link with the project root == $HOME, a symlinked .envrc in
//     the project), the command can remove the link and put a file in its
//     place. String shows such paths as "TARGET (from LINK)".
//   - Writable tool caches can be poisoned for later builds outside the
//     jail; add only the caches the project needs.
//   - Kernel requirements: user namespaces must be available to the user
//     (kernel.unprivileged_userns_clone, user.max_user_namespaces, and on
//     Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns or an
//     AppArmor profile for bwrap); [Probe] says which setting to change.
//     bwrap is looked for only at fixed paths (/usr/bin, /usr/local/bin,
//     /bin, NixOS's system profile), never on PATH.
//   - No resource limits (CPU, memory, processes, disk) and no seccomp
//     filter; kernel keyrings are not isolated.
//   - Terminal(false) is only safe when none of fds 0–2 is a terminal: the
//     jail hides /dev/tty but cannot take away a terminal passed as an fd.
//     With Terminal(true) the command has no controlling terminal, so
//     Ctrl-C typed into the pty the caller relays does not become SIGINT
//     for it; the caller has to deliver signals itself.
//   - macOS: sandbox-exec is deprecated by Apple and may disappear; its
//     profile is allow-by-default (mach services, other IPC and process
//     inspection stay open); it cannot give the command a new session (no
//     TIOCSTI protection), cannot pin directories (renaming a parent of a
//     protected path escapes the protection), and does not apply Cwd (set
//     exec.Cmd.Dir). The profile is golden-tested but only run on macOS.
//   - When bwrap itself fails (a mount it cannot make, a cwd it cannot
//     enter), it prints "bwrap: …" on stderr and exits 1, which the caller
//     cannot tell from the command's own exit 1 by the status alone. Wrap
//     checks what it can first (paths, the cwd), and Check and Probe catch
//     a missing bwrap and disabled user namespaces.
//   - Other operating systems: Wrap, Check and Probe return
//     [ErrUnavailable].
package jail
