package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

const versionAbout = `Usage: trailkit version

Prints trailkit's version: the module version it was built from ("(devel)"
for a build in the source tree), the VCS revision and time when the build
recorded them (with "+dirty" for uncommitted changes), and the Go version
and platform, on one line.`

func runVersion(e *env, args []string) int {
	fs := newFlags("version", versionAbout)
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintln(e.stdout, versionLine())
	return exitOK
}

// versionLine is "trailkit VERSION [REVISION [TIME]] GOVERSION OS/ARCH".
func versionLine() string {
	version, rev, at, dirty := "(unknown)", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	line := "trailkit " + version
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+dirty"
		}
		line += " " + rev
		if at != "" {
			line += " " + at
		}
	}
	return fmt.Sprintf("%s %s %s/%s", line, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
