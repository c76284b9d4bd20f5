package store

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// pidStartTime is field 22 of /proc/<pid>/stat: the process's start time
// in clock ticks after boot. Together with the boot id it tells a live
// process from a later one that reused its pid. 0 means unknown.
func pidStartTime(pid int) int64 {
	start, _ := pidStat(pid)
	return start
}

// pidStat reads the start time (field 22) and state (field 3) of pid from
// /proc; 0 and "" when unknown.
func pidStat(pid int) (start int64, state string) {
	if pid <= 0 {
		return 0, ""
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, ""
	}
	// The command name (field 2) is in parentheses and may contain spaces
	// and parentheses; the fields after the last ')' are plain.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, ""
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), so field 22 is f[19].
	if len(f) < 20 {
		return 0, ""
	}
	n, err := strconv.ParseInt(f[19], 10, 64)
	if err != nil {
		return 0, f[0]
	}
	return n, f[0]
}

// bootID identifies the current boot; "" when unknown.
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
