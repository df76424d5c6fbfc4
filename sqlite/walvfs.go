package sqlite

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"unsafe"

	"modernc.org/libc"
	lib "modernc.org/sqlite/lib"
)

// The writer's connections open the database through walVFSName, a thin
// layer over SQLite's default ("unix") VFS that changes one thing: what a
// transaction writes to the write-ahead log reaches the file in one write
// at its commit, instead of two writes a page (SQLite writes each frame's
// 24-byte header, then its page). A ticket's transaction writes some thirty
// pages, so the writer made sixty system calls a commit, each also
// updating the file's modification time; now it makes one.
//
// Why this is safe. Readers find frames through the shared-memory index,
// whose header SQLite writes only after the frames (walIndexWriteHdr), and
// before its second half a memory barrier on the database file
// (xShmBarrier). The gathered writes are flushed:
//   - when the page of a commit frame has been written (the frame header
//     says the transaction ends there), so that a failed write fails the
//     commit;
//   - at every memory barrier of the database, should SQLite ever publish
//     frames another way (a write that fails there cannot fail the commit
//     any more: the process stops, and the next start recovers the log up
//     to its last valid commit, as after a crash);
//   - before a read that overlaps them, a size, a truncation, a sync and a
//     close of the log, and whenever more than maxGathered bytes wait.
// A write that does not continue the gathered bytes, nor falls inside them
// (SQLite rewriting a frame of the same transaction), flushes them first.
// Everything else — locks, shared memory, the database file's reads and
// writes — is the unix VFS's own.

const walVFSName = "balcao-wal"

// maxGathered bounds what one log holds in memory before writing it out.
const maxGathered = 4 << 20

// walFrameHeader is the size of a WAL frame's header; bytes 4 to 8 hold,
// on a commit frame only, the database's size in pages.
const walFrameHeader = 24

// The C function types of the methods wrapped (modernc calls a function
// pointer by reading it as a Go func value of the matching type).
type (
	xOpenFunc     = func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32
	xCloseFunc    = func(*libc.TLS, uintptr) int32
	xReadFunc     = func(*libc.TLS, uintptr, uintptr, int32, lib.Tsqlite3_int64) int32
	xWriteFunc    = func(*libc.TLS, uintptr, uintptr, int32, lib.Tsqlite3_int64) int32
	xTruncateFunc = func(*libc.TLS, uintptr, lib.Tsqlite3_int64) int32
	xSyncFunc     = func(*libc.TLS, uintptr, int32) int32
	xFileSizeFunc = func(*libc.TLS, uintptr, uintptr) int32
	xBarrierFunc  = func(*libc.TLS, uintptr)
)

// cptr is the address p of SQLite's memory (allocated by modernc's libc,
// never by Go's garbage collector) as a pointer.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// cfunc is f as a C function pointer; cfuncOf the converse.
func cfunc[F any](f F) uintptr       { return *(*uintptr)(unsafe.Pointer(&f)) }
func cfuncOf[F any](p uintptr) (f F) { *(*uintptr)(unsafe.Pointer(&f)) = p; return f }

var walVFS struct {
	once sync.Once
	err  error
	base uintptr // the default VFS
	open uintptr // its xOpen

	mu      sync.RWMutex
	logs    map[uintptr]*walLog    // open logs by their sqlite3_file
	methods map[uintptr][2]uintptr // a file's original methods → ours for a log, for a database
	barrier map[uintptr]uintptr    // our methods for a database → the original xShmBarrier
}

// registerWALVFS registers walVFSName once.
func registerWALVFS() error {
	walVFS.once.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		base := lib.Xsqlite3_vfs_find(tls, 0)
		if base == 0 {
			walVFS.err = errors.New("sqlite: no default VFS")
			return
		}
		v := libc.Xmalloc(tls, libc.Tsize_t(unsafe.Sizeof(lib.Tsqlite3_vfs{})))
		name, err := libc.CString(walVFSName)
		if v == 0 || err != nil {
			walVFS.err = errors.New("sqlite: out of memory registering the WAL VFS")
			return
		}
		vfs := (*lib.Tsqlite3_vfs)(cptr(v))
		*vfs = *(*lib.Tsqlite3_vfs)(cptr(base))
		vfs.FpNext = 0
		vfs.FzName = name
		vfs.FxOpen = cfunc[xOpenFunc](walVFSOpen)
		walVFS.base, walVFS.open = base, (*lib.Tsqlite3_vfs)(cptr(base)).FxOpen
		walVFS.logs = map[uintptr]*walLog{}
		walVFS.methods = map[uintptr][2]uintptr{}
		walVFS.barrier = map[uintptr]uintptr{}
		if rc := lib.Xsqlite3_vfs_register(tls, v, 0); rc != lib.SQLITE_OK {
			walVFS.err = fmt.Errorf("sqlite: registering the WAL VFS: code %d", rc)
		}
	})
	return walVFS.err
}

// walLog is one open write-ahead log and the writes gathered for it.
type walLog struct {
	file uintptr
	orig *lib.Tsqlite3_io_methods
	path string

	mu       sync.Mutex
	at       int64  // file offset of buf[0]
	buf      []byte // gathered writes, contiguous from at
	commitAt int64  // where the page of a commit frame begins, or -1

	writes, flushes uint64 // SQLite's writes, and ours to the file
}

func walVFSOpen(tls *libc.TLS, _ uintptr, zName uintptr, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	rc := cfuncOf[xOpenFunc](walVFS.open)(tls, walVFS.base, zName, pFile, flags, pOutFlags)
	if rc != lib.SQLITE_OK {
		return rc
	}
	file := (*lib.Tsqlite3_file)(cptr(pFile))
	if file.FpMethods == 0 {
		return rc
	}
	switch {
	case flags&lib.SQLITE_OPEN_WAL != 0:
		l := &walLog{file: pFile, orig: (*lib.Tsqlite3_io_methods)(cptr(file.FpMethods)), commitAt: -1}
		if zName != 0 {
			l.path = libc.GoString(zName)
		}
		ours := ourMethods(tls, file.FpMethods)
		walVFS.mu.Lock()
		walVFS.logs[pFile] = l
		walVFS.mu.Unlock()
		file.FpMethods = ours[0]
	case flags&lib.SQLITE_OPEN_MAIN_DB != 0:
		file.FpMethods = ourMethods(tls, file.FpMethods)[1]
	}
	return rc
}

// ourMethods returns the method tables that stand in for orig: one for a
// log, one for a database (made once per original table, never freed).
func ourMethods(tls *libc.TLS, orig uintptr) [2]uintptr {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	if m, ok := walVFS.methods[orig]; ok {
		return m
	}
	size := libc.Tsize_t(unsafe.Sizeof(lib.Tsqlite3_io_methods{}))
	var m [2]uintptr
	for i := range m {
		m[i] = libc.Xmalloc(tls, size)
		if m[i] == 0 {
			panic("sqlite: out of memory for the WAL VFS's methods")
		}
		*(*lib.Tsqlite3_io_methods)(cptr(m[i])) = *(*lib.Tsqlite3_io_methods)(cptr(orig))
	}
	log := (*lib.Tsqlite3_io_methods)(cptr(m[0]))
	log.FxClose = cfunc[xCloseFunc](walClose)
	log.FxRead = cfunc[xReadFunc](walRead)
	log.FxWrite = cfunc[xWriteFunc](walWrite)
	log.FxTruncate = cfunc[xTruncateFunc](walTruncate)
	log.FxSync = cfunc[xSyncFunc](walSync)
	log.FxFileSize = cfunc[xFileSizeFunc](walFileSize)
	if db := (*lib.Tsqlite3_io_methods)(cptr(m[1])); db.FxShmBarrier != 0 {
		walVFS.barrier[m[1]] = db.FxShmBarrier
		db.FxShmBarrier = cfunc[xBarrierFunc](dbShmBarrier)
	}
	walVFS.methods[orig] = m
	return m
}

func logOf(pFile uintptr) *walLog {
	walVFS.mu.RLock()
	defer walVFS.mu.RUnlock()
	return walVFS.logs[pFile]
}

// flush writes the gathered bytes; l.mu is held. The unix VFS writes at
// most 128 KiB - 1 at a time (seekAndWriteFd masks the length with
// 0x1ffff, so a write of exactly 128 KiB would write nothing and fail as
// "disk full"): the bytes go in pieces of flushPiece.
func (l *walLog) flush(tls *libc.TLS) int32 {
	rc := int32(lib.SQLITE_OK)
	for i := 0; i < len(l.buf) && rc == lib.SQLITE_OK; i += flushPiece {
		piece := l.buf[i:min(len(l.buf), i+flushPiece)]
		rc = cfuncOf[xWriteFunc](l.orig.FxWrite)(tls, l.file, uintptr(unsafe.Pointer(&piece[0])), int32(len(piece)), l.at+int64(i))
		l.flushes++
	}
	runtime.KeepAlive(l.buf)
	l.buf = l.buf[:0]
	return rc
}

// flushPiece is the most the unix VFS writes in one call, in whole 4 KiB.
const flushPiece = 0x1ffff &^ 0xfff

func walWrite(tls *libc.TLS, pFile uintptr, zBuf uintptr, iAmt int32, iOfst lib.Tsqlite3_int64) int32 {
	l := logOf(pFile)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	p := unsafe.Slice((*byte)(cptr(zBuf)), iAmt)
	end := l.at + int64(len(l.buf))
	switch {
	case len(l.buf) == 0:
		l.at = iOfst
		l.buf = append(l.buf, p...)
	case iOfst == end:
		l.buf = append(l.buf, p...)
	case iOfst >= l.at && iOfst+int64(iAmt) <= end:
		copy(l.buf[iOfst-l.at:], p)
	default:
		if rc := l.flush(tls); rc != lib.SQLITE_OK {
			return rc
		}
		l.at = iOfst
		l.buf = append(l.buf, p...)
	}
	switch {
	case iAmt == walFrameHeader && binary.BigEndian.Uint32(p[4:8]) != 0:
		l.commitAt = iOfst + walFrameHeader
	case iOfst == l.commitAt:
		l.commitAt = -1
		return l.flush(tls)
	case len(l.buf) > maxGathered:
		return l.flush(tls)
	}
	return lib.SQLITE_OK
}

func walRead(tls *libc.TLS, pFile uintptr, zBuf uintptr, iAmt int32, iOfst lib.Tsqlite3_int64) int32 {
	l := logOf(pFile)
	l.mu.Lock()
	if len(l.buf) > 0 && iOfst < l.at+int64(len(l.buf)) && iOfst+int64(iAmt) > l.at {
		if rc := l.flush(tls); rc != lib.SQLITE_OK {
			l.mu.Unlock()
			return rc
		}
	}
	l.mu.Unlock()
	return cfuncOf[xReadFunc](l.orig.FxRead)(tls, pFile, zBuf, iAmt, iOfst)
}

// flushed runs f once the gathered bytes are written.
func flushed(tls *libc.TLS, pFile uintptr, f func(l *walLog) int32) int32 {
	l := logOf(pFile)
	l.mu.Lock()
	defer l.mu.Unlock()
	if rc := l.flush(tls); rc != lib.SQLITE_OK {
		return rc
	}
	return f(l)
}

func walTruncate(tls *libc.TLS, pFile uintptr, size lib.Tsqlite3_int64) int32 {
	return flushed(tls, pFile, func(l *walLog) int32 {
		return cfuncOf[xTruncateFunc](l.orig.FxTruncate)(tls, pFile, size)
	})
}

func walSync(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	return flushed(tls, pFile, func(l *walLog) int32 {
		return cfuncOf[xSyncFunc](l.orig.FxSync)(tls, pFile, flags)
	})
}

func walFileSize(tls *libc.TLS, pFile uintptr, pSize uintptr) int32 {
	return flushed(tls, pFile, func(l *walLog) int32 {
		return cfuncOf[xFileSizeFunc](l.orig.FxFileSize)(tls, pFile, pSize)
	})
}

func walClose(tls *libc.TLS, pFile uintptr) int32 {
	l := logOf(pFile)
	l.mu.Lock()
	rc := l.flush(tls)
	l.mu.Unlock()
	walVFS.mu.Lock()
	delete(walVFS.logs, pFile)
	walVFS.mu.Unlock()
	if rc2 := cfuncOf[xCloseFunc](l.orig.FxClose)(tls, pFile); rc == lib.SQLITE_OK {
		rc = rc2
	}
	return rc
}

// dbShmBarrier writes out every gathered log before the barrier: SQLite
// places one between the two copies of the index header that publish
// new frames to readers.
func dbShmBarrier(tls *libc.TLS, pFile uintptr) {
	walVFS.mu.RLock()
	defer walVFS.mu.RUnlock()
	for _, l := range walVFS.logs {
		l.mu.Lock()
		rc := l.flush(tls)
		l.mu.Unlock()
		if rc != lib.SQLITE_OK {
			// Readers are about to be told of frames that are not in the
			// file. Stopping here leaves a log that the next start
			// recovers up to its last complete commit.
			fmt.Fprintf(os.Stderr, "balcao: writing the write-ahead log %s failed (SQLite code %d); stopping so that the next start recovers it\n", l.path, rc)
			os.Exit(70)
		}
	}
	cfuncOf[xBarrierFunc](walVFS.barrier[(*lib.Tsqlite3_file)(cptr(pFile)).FpMethods])(tls, pFile)
}

// walWriteCounts reports, for the open logs whose path ends in suffix,
// how many writes SQLite made and how many reached the file (for tests).
func walWriteCounts(suffix string) (writes, flushes uint64) {
	walVFS.mu.RLock()
	defer walVFS.mu.RUnlock()
	for _, l := range walVFS.logs {
		if len(l.path) >= len(suffix) && l.path[len(l.path)-len(suffix):] == suffix {
			l.mu.Lock()
			writes, flushes = writes+l.writes, flushes+l.flushes
			l.mu.Unlock()
		}
	}
	return writes, flushes
}
