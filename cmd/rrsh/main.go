package main

import "os"

func main() { os.Exit(run(newCLI(), os.Args[1:])) }
