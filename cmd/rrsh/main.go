// Command rrsh is a checking, jailing, journaling shell for coding agents.
// See README.md.
package main

import "os"

func main() { os.Exit(run(newCLI(), os.Args[1:])) }
