//go:build unix

package smtp

import "syscall"

// canPeek: peekRead works on this system.
const canPeek = true

// peekRead reads what the socket already holds into p without waiting:
// the number of bytes read, or 0 when nothing is there yet (and on end of
// input or an error, which the ordinary read that follows reports).
func peekRead(raw syscall.RawConn, p []byte) int {
	n := 0
	err := raw.Read(func(fd uintptr) bool {
		m, err := syscall.Read(int(fd), p)
		if err == nil && m > 0 {
			n = m
		}
		return true // done, whether or not there was input
	})
	if err != nil {
		return 0
	}
	return n
}
