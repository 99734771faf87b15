package redis_test

import "syscall"

// childProcAttr has the kernel kill redis-server when the test binary dies, even by SIGKILL or
// a test timeout, so that no server outlives a failed run.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
