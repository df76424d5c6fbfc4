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
// layer over SQLite's default ("unix") VFS that changes one thing: writes
// to the write-ahead log and to the database file are gathered in memory
// and reach the file in one write when they stop being contiguous or
// something depends on them.
//
// The log: a transaction's frames reach the file in one write at its
// commit, instead of two writes a page (SQLite writes each frame's 24-byte
// header, then its page). A ticket's transaction writes some thirty pages,
// so the writer made sixty system calls a commit, each also updating the
// file's modification time; now it makes one. The database file, which
// only checkpoints write: a checkpoint copies pages in the order of their
// numbers, so the pages added since the last one (a screenshot's overflow
// pages, for one) go in long runs of one write each.
//
// Why this is safe. Readers find frames through the shared-memory index,
// whose header SQLite writes only after the frames (walIndexWriteHdr), and
// before its second half a memory barrier on the database file
// (xShmBarrier). A checkpoint tells the database file it is done
// (SQLITE_FCNTL_CKPT_DONE, a file control) after its last page and before
// it tells readers which frames they may now read from the database file
// instead (nBackfill). The gathered writes are flushed:
//   - in the log, when the page of a commit frame has been written (the
//     frame header says the transaction ends there), so that a failed
//     write fails the commit;
//   - in the log, at every memory barrier, should SQLite ever publish
//     frames another way (a write that fails there cannot fail anything
//     any more: the process stops, and the next start recovers the
//     database from its log, as after a crash; the same at the end of a
//     checkpoint);
//   - before every file control (SQLITE_FCNTL_CKPT_DONE among them), sync,
//     truncation, size, unlock, memory mapping and close of the file, and
//     before a read that overlaps them;
//   - when more than maxGathered bytes wait.
// A write that does not continue the gathered bytes, nor falls inside them
// (SQLite rewriting a frame of the same transaction), flushes them first.
// Locks and shared memory are the unix VFS's own.

const walVFSName = "balcao-wal"

// maxGathered bounds what one file holds in memory before writing it out.
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
	xControlFunc  = func(*libc.TLS, uintptr, int32, uintptr) int32
	xUnlockFunc   = func(*libc.TLS, uintptr, int32) int32
	xFetchFunc    = func(*libc.TLS, uintptr, lib.Tsqlite3_int64, int32, uintptr) int32
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
	files   map[uintptr]*gathered // open logs and databases by their sqlite3_file
	methods map[uintptr]uintptr   // a file's original methods → ours
	barrier map[uintptr]uintptr   // our methods → the original xShmBarrier
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
		walVFS.files = map[uintptr]*gathered{}
		walVFS.methods = map[uintptr]uintptr{}
		walVFS.barrier = map[uintptr]uintptr{}
		if rc := lib.Xsqlite3_vfs_register(tls, v, 0); rc != lib.SQLITE_OK {
			walVFS.err = fmt.Errorf("sqlite: registering the WAL VFS: code %d", rc)
		}
	})
	return walVFS.err
}

// gathered is one open log or database file and the writes gathered for
// it.
type gathered struct {
	file uintptr
	orig *lib.Tsqlite3_io_methods
	path string
	log  bool // the write-ahead log, whose commit frames end a gathering

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
	log := flags&lib.SQLITE_OPEN_WAL != 0
	if !log && flags&lib.SQLITE_OPEN_MAIN_DB == 0 {
		return rc // journals and temporary files: the unix VFS's own
	}
	l := &gathered{file: pFile, orig: (*lib.Tsqlite3_io_methods)(cptr(file.FpMethods)), log: log, commitAt: -1}
	if zName != 0 {
		l.path = libc.GoString(zName)
	}
	ours := ourMethods(tls, file.FpMethods)
	walVFS.mu.Lock()
	walVFS.files[pFile] = l
	walVFS.mu.Unlock()
	file.FpMethods = ours
	return rc
}

// ourMethods returns the method table that stands in for orig (made once
// per original table, never freed).
func ourMethods(tls *libc.TLS, orig uintptr) uintptr {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	if m, ok := walVFS.methods[orig]; ok {
		return m
	}
	m := libc.Xmalloc(tls, libc.Tsize_t(unsafe.Sizeof(lib.Tsqlite3_io_methods{})))
	if m == 0 {
		panic("sqlite: out of memory for the WAL VFS's methods")
	}
	t := (*lib.Tsqlite3_io_methods)(cptr(m))
	*t = *(*lib.Tsqlite3_io_methods)(cptr(orig))
	t.FxClose = cfunc[xCloseFunc](gClose)
	t.FxRead = cfunc[xReadFunc](gRead)
	t.FxWrite = cfunc[xWriteFunc](gWrite)
	t.FxTruncate = cfunc[xTruncateFunc](gTruncate)
	t.FxSync = cfunc[xSyncFunc](gSync)
	t.FxFileSize = cfunc[xFileSizeFunc](gFileSize)
	t.FxFileControl = cfunc[xControlFunc](gFileControl)
	t.FxUnlock = cfunc[xUnlockFunc](gUnlock)
	if t.FiVersion >= 3 && t.FxFetch != 0 {
		t.FxFetch = cfunc[xFetchFunc](gFetch)
	}
	if t.FxShmBarrier != 0 {
		walVFS.barrier[m] = t.FxShmBarrier
		t.FxShmBarrier = cfunc[xBarrierFunc](gShmBarrier)
	}
	walVFS.methods[orig] = m
	return m
}

func fileOf(pFile uintptr) *gathered {
	walVFS.mu.RLock()
	defer walVFS.mu.RUnlock()
	return walVFS.files[pFile]
}

// flush writes the gathered bytes; l.mu is held. The unix VFS writes at
// most 128 KiB - 1 at a time (seekAndWriteFd masks the length with
// 0x1ffff, so a write of exactly 128 KiB would write nothing and fail as
// "disk full"): the bytes go in pieces of flushPiece.
func (l *gathered) flush(tls *libc.TLS) int32 {
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

func gWrite(tls *libc.TLS, pFile uintptr, zBuf uintptr, iAmt int32, iOfst lib.Tsqlite3_int64) int32 {
	l := fileOf(pFile)
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
	case l.log && iAmt == walFrameHeader && binary.BigEndian.Uint32(p[4:8]) != 0:
		l.commitAt = iOfst + walFrameHeader
	case l.log && iOfst == l.commitAt:
		l.commitAt = -1
		return l.flush(tls)
	case len(l.buf) > maxGathered:
		return l.flush(tls)
	}
	return lib.SQLITE_OK
}

func gRead(tls *libc.TLS, pFile uintptr, zBuf uintptr, iAmt int32, iOfst lib.Tsqlite3_int64) int32 {
	l := fileOf(pFile)
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

// flushFile writes what is gathered for pFile. What runs next runs
// without the lock: only the file's own connection adds to what is
// gathered, and it is busy with that, while a sync or a truncation held
// under the lock would hold the writer's commits at their memory barrier.
func flushFile(tls *libc.TLS, pFile uintptr) (*gathered, int32) {
	l := fileOf(pFile)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l, l.flush(tls)
}

// flushed runs f once the gathered bytes are written.
func flushed(tls *libc.TLS, pFile uintptr, f func(l *gathered) int32) int32 {
	l, rc := flushFile(tls, pFile)
	if rc != lib.SQLITE_OK {
		return rc
	}
	return f(l)
}

func gTruncate(tls *libc.TLS, pFile uintptr, size lib.Tsqlite3_int64) int32 {
	return flushed(tls, pFile, func(l *gathered) int32 {
		return cfuncOf[xTruncateFunc](l.orig.FxTruncate)(tls, pFile, size)
	})
}

func gSync(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	return flushed(tls, pFile, func(l *gathered) int32 {
		return cfuncOf[xSyncFunc](l.orig.FxSync)(tls, pFile, flags)
	})
}

func gFileSize(tls *libc.TLS, pFile uintptr, pSize uintptr) int32 {
	return flushed(tls, pFile, func(l *gathered) int32 {
		return cfuncOf[xFileSizeFunc](l.orig.FxFileSize)(tls, pFile, pSize)
	})
}

func gClose(tls *libc.TLS, pFile uintptr) int32 {
	l, rc := flushFile(tls, pFile)
	walVFS.mu.Lock()
	delete(walVFS.files, pFile)
	walVFS.mu.Unlock()
	if rc2 := cfuncOf[xCloseFunc](l.orig.FxClose)(tls, pFile); rc == lib.SQLITE_OK {
		rc = rc2
	}
	return rc
}

// gFileControl, gUnlock and gFetch write the gathered bytes first: a
// checkpoint tells the database file it is done (SQLITE_FCNTL_CKPT_DONE)
// after its last page and before it tells readers that the log was copied;
// a lock released or a page mapped must find the file as SQLite left it.
func gFileControl(tls *libc.TLS, pFile uintptr, op int32, pArg uintptr) int32 {
	l, rc := flushFile(tls, pFile)
	if rc != lib.SQLITE_OK {
		if op == lib.SQLITE_FCNTL_CKPT_DONE {
			// SQLite does not look at this call's result: it is about to
			// let readers read the pages from the database file.
			stop(l, rc)
		}
		return rc
	}
	return cfuncOf[xControlFunc](l.orig.FxFileControl)(tls, pFile, op, pArg)
}

func gUnlock(tls *libc.TLS, pFile uintptr, lock int32) int32 {
	return flushed(tls, pFile, func(l *gathered) int32 {
		return cfuncOf[xUnlockFunc](l.orig.FxUnlock)(tls, pFile, lock)
	})
}

func gFetch(tls *libc.TLS, pFile uintptr, iOfst lib.Tsqlite3_int64, iAmt int32, pp uintptr) int32 {
	return flushed(tls, pFile, func(l *gathered) int32 {
		return cfuncOf[xFetchFunc](l.orig.FxFetch)(tls, pFile, iOfst, iAmt, pp)
	})
}

// gShmBarrier writes out the logs' gathered frames before the barrier:
// SQLite places one between the two copies of the index header that
// publish new frames to readers. (The database files' gathered pages wait
// for the end of their checkpoint: readers read pages there only once it
// has said so.)
func gShmBarrier(tls *libc.TLS, pFile uintptr) {
	walVFS.mu.RLock()
	defer walVFS.mu.RUnlock()
	for _, l := range walVFS.files {
		if !l.log {
			continue
		}
		l.mu.Lock()
		rc := l.flush(tls)
		l.mu.Unlock()
		if rc != lib.SQLITE_OK {
			stop(l, rc)
		}
	}
	cfuncOf[xBarrierFunc](walVFS.barrier[(*lib.Tsqlite3_file)(cptr(pFile)).FpMethods])(tls, pFile)
}

// stop ends the process after a gathered write failed where SQLite cannot
// be told: readers may be about to be told of frames or pages that are not
// in the file. The next start recovers the database from its log up to
// its last complete commit (and copies it again), as after a crash.
func stop(l *gathered, rc int32) {
	fmt.Fprintf(os.Stderr, "balcao: writing %s failed (SQLite code %d); stopping so that the next start recovers the database from its log\n", l.path, rc)
	os.Exit(70)
}

// writeCounts reports, for the open files whose path ends in suffix,
// how many writes SQLite made and how many reached the file (for tests).
func writeCounts(suffix string) (writes, flushes uint64) {
	walVFS.mu.RLock()
	defer walVFS.mu.RUnlock()
	for _, l := range walVFS.files {
		if len(l.path) >= len(suffix) && l.path[len(l.path)-len(suffix):] == suffix {
			l.mu.Lock()
			writes, flushes = writes+l.writes, flushes+l.flushes
			l.mu.Unlock()
		}
	}
	return writes, flushes
}
