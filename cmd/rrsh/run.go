package main

// run dispatches: rrsh's own subcommands, or the bash-compatible front end.
func run(c *cli, args []string) int {
	if len(args) > 0 {
		if sc, ok := subcommands[args[0]]; ok {
			return sc.run(c, args[1:])
		}
	}
	c.errorf("usage: rrsh SUBCOMMAND … (front end not wired yet)")
	return exitUsage
}
