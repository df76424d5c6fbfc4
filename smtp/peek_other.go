//go:build !unix

package smtp

import "syscall"

const canPeek = false

func peekRead(syscall.RawConn, []byte) int { return 0 }
