//go:build unix

package s3store_test

import (
	"os/exec"
	"syscall"
)

// killProcess kills cmd's process group (see setProcessGroup).
func killProcess(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Process.Kill()
}
