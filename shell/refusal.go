package shell

import "fmt"

// RefusalKind says why rrsh did not run (or stopped before running) a command.
type RefusalKind int

// The kinds of [Refusal]. cmd/rrsh maps each to its documented exit status.
const (
	Blocked         RefusalKind = iota + 1 // the policy blocks it
	Denied                                 // it needed approval and did not get it
	TimedOut                               // the approval request timed out
	JailUnavailable                        // the jail cannot be built
	StateUnwritable                        // journal, snapshots or store cannot be written
	BadInput                               // unreadable script file, oversized input, interactive use
	ConfigError                            // the policy or jail configuration is invalid
)

// Refusal is returned when rrsh refuses to run a command. Msg is the whole
// message after "rrsh: ", one line, written so an agent can act on it.
type Refusal struct {
	Kind RefusalKind
	Msg  string
	// Hint, when set, is printed as a second "rrsh: hint: …" line.
	Hint string
	Err  error
}

func (r *Refusal) Error() string { return r.Msg }
func (r *Refusal) Unwrap() error { return r.Err }

func refuse(kind RefusalKind, err error, format string, args ...any) *Refusal {
	return &Refusal{Kind: kind, Msg: fmt.Sprintf(format, args...), Err: err}
}
