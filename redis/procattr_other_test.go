//go:build !linux

package redis_test

import "syscall"

// childProcAttr: outside Linux the server is killed by Close and TestMain only.
func childProcAttr() *syscall.SysProcAttr { return nil }
