//go:build linux

package s3store_test

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in a process group of its own, so that
// killProcess also ends anything it started (moto_server may run behind a
// wrapper script), and has the kernel kill it if the test process dies
// without cleaning up (a timeout, a killed fuzz worker).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
