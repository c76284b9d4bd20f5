// Package snapshots records pre-images of the files a command is about to
// write, so that the command can be rolled back byte for byte.
//
// Before rrsh runs a command it passes the paths the command is statically
// known to write (from the parser) to [Store.Capture]. When the command
// ends it calls [Store.Finish], which records the post-state and returns
// what changed. [Store.Rollback] puts every recorded path back as it was.
//
//	s, err := snapshots.Open(dir)
//	m, err := s.Capture([]snapshots.Target{{Path: "/p/build", Recursive: true}},
//		snapshots.CaptureOptions{Root: "/p", Command: "rm -rf build"})
//	// … run the command …
//	changes, err := s.Finish(m)
//	report, err := s.Rollback([]string{m.ID}, snapshots.RollbackOptions{DryRun: true})
//	fmt.Print(report.Summary())
//
// # Layout
//
//	<dir>/blobs/ab/<sha256>          file contents, stored once, read-only (0400)
//	<dir>/manifests/<id>.json        the pre-image of one command
//	<dir>/manifests/<id>.post.json   its post-state (absent if rrsh did not see the command end)
//	<dir>/lock                       advisory lock between Capture/Rollback (shared) and GC (exclusive)
//
// Blobs are named by the SHA-256 of their content and written once: the
// content is hashed first and not written again when the store has it;
// otherwise it goes to a temporary file in the blob's directory, which is
// made durable (fsync, or one syncfs(2) for many files), closed and renamed
// into place, and the directory is fsynced. Manifests and post-states use
// the same steps, each with an fsync of its own.
//
// # Invariants
//
//   - Every blob a manifest names is durable before the manifest is written.
//   - The manifest is durable before Capture returns, so before the
//     command starts; the post-state is written after it ends.
//   - Manifests and blobs are never modified, only deleted by GC; GC never
//     deletes a blob a kept manifest references, nor anything younger than
//     its grace period.
//   - Nothing is stored when the capture exceeds its size cap
//     ([TooLargeError]): sizes are summed before any content is read.
//   - Rollback changes nothing until it has checked for conflicts and
//     verified the hash of every blob it needs.
//
// # What is captured
//
// Each target is looked at without following a final symlink. A path that
// does not exist is recorded as absent (with its missing parents, so that
// rollback also removes what mkdir -p made). A regular file is recorded
// with its content, mode, owner and modification time; a symlink with its
// target text, and, when that target lies inside the root, the target too
// (writing through a symlink changes the file it points to). A directory
// is recorded with its mode and, for a recursive target, everything beneath
// it. A git target records what git status lists: dirty tracked files,
// untracked files, with Ignored the ignored files, and the directories
// between them and the top of the work tree.
//
// Parent directories are resolved (symlinks followed) and the result must
// stay inside the project root or one of the temp directories passed in;
// otherwise the target is skipped, never followed. Entry paths are these
// resolved paths. Sockets, fifos, devices, unreadable files and files
// that change while being read are skipped too, each with a reason in
// [Manifest].Skipped.
//
// # What rollback restores
//
// File contents (through a temporary file in the same directory and a
// rename), modes, modification times, owners (as root), symlinks, and
// directories, with missing parents recreated with their recorded modes.
// It removes files the command created, directories it created when they
// are empty, and, beneath a recursive target, whatever did not exist in the
// pre-image. It never removes anything beneath a path skipped at capture.
// Several snapshots are rolled back together, newest first: each path ends
// as the oldest of them recorded it. A path that changed after the command
// ended (it no longer matches the post-state) is a conflict: nothing is
// done unless Force is set. Without a post-state (rrsh was killed), the
// rollback proceeds and says so in [Report].NoPost.
//
// # Limitations
//
//   - Only the writes the caller knows of are captured. What programs
//     write on their own (npm install, make, a script) is not, unless the
//     caller passes the tree as a recursive target.
//   - git targets capture the work tree only: the index, refs and the
//     stash are not restored, and clean tracked files are not captured
//     (git reset --hard <rev> can still be undone from git's reflog).
//     Empty untracked directories are not listed by git and not restored.
//   - Owners are restored only when running as root; a non-root rollback
//     restores content and modes.
//   - Hard links become separate files; extended attributes, ACLs, file
//     flags and directory modification times are not kept.
//   - Files outside the project root (and outside the temp directories
//     passed to Capture) are skipped; the jail keeps commands from writing
//     there anyway.
//   - A file that is unreadable to the capturing user is skipped: it cannot
//     be restored, and rollback leaves it alone.
//   - A dry run does not change directory modes, so beneath a directory
//     the command made inaccessible (chmod -R 000) it reports skips that the
//     real rollback, which lends the owner access for the time it runs,
//     does not have.
//   - A rollback that is interrupted (killed, power loss) leaves some paths
//     restored and others not, and possibly a temporary file (.rrsh-tmp-*)
//     next to one; running it again completes it, since restored paths
//     count as unchanged.
//   - On systems without flock(2) (neither Linux nor macOS), GC must not
//     run while commands do.
package snapshots
