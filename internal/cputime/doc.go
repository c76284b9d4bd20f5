// Package cputime reports the CPU time (user + system) the running process
// has used, for benchmarks: on a busy machine wall time per operation swings
// with the load, CPU time much less. Where the platform has no getrusage it
// reports 0, and metrics built on it read 0.
package cputime
