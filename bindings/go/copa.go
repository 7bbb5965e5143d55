// Package copa is the Go binding of libcopa, which patches the OS-package
// vulnerabilities of container images without a container daemon.
//
// It links libcopa through pkg-config (`pkg-config libcopa`). Every failing
// call returns an *Error whose code and message were read in the same native
// call that failed; errors.Is(err, copa.ErrNotFound) and friends test the
// code. Plan and Patch take a context.Context whose cancellation stops the
// patch at its next progress event.
package copa

/*
#cgo pkg-config: libcopa
#include "shim.h"
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Version is the version of the libcopa that is linked, "MAJOR.MINOR.PATCH".
func Version() string {
	return C.GoString(C.copa_version())
}

var (
	initOnce sync.Once
	initErr  error
)

// ensureInit calls copa_init() once per process, for functions that touch
// the network or verify signatures. It is never undone: the process owns it.
func ensureInit() error {
	initOnce.Do(func() {
		var e C.copa_go_err
		if C.copa_go_init(&e) < 0 {
			initErr = takeError(&e)
		}
	})
	return initErr
}

// cstr converts a Go string to a C string; "" stays "" (see cstrOpt for NULL).
func cstr(s string) *C.char { return C.CString(s) }

// cstrOpt converts "" to NULL and anything else to a C string.
func cstrOpt(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// cfree frees C strings made by cstr/cstrOpt (NULL is fine).
func cfree(ptrs ...*C.char) {
	for _, p := range ptrs {
		C.free(unsafe.Pointer(p))
	}
}

// cstrArray makes a C array of C strings (NULL-terminated when terminate),
// in C memory; free it with freeArray. nil for no items.
func cstrArray(items []string, terminate bool) **C.char {
	if len(items) == 0 {
		return nil
	}
	n := len(items)
	if terminate {
		n++
	}
	arr := (*[1 << 28]*C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
	for i, s := range items {
		arr[i] = C.CString(s)
	}
	return &arr[0]
}

func freeArray(p **C.char, count int) {
	if p == nil {
		return
	}
	arr := (*[1 << 28]*C.char)(unsafe.Pointer(p))[:count:count]
	for _, s := range arr {
		C.free(unsafe.Pointer(s))
	}
	C.free(unsafe.Pointer(p))
}

// takeString copies a library string and frees it with free.
func takeString(p *C.char, free func(*C.char)) string {
	s := C.GoString(p)
	free(p)
	return s
}
