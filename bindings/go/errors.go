package copa

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Code is a libcopa return code (copa_error_code): 0 or negative.
type Code int

// The codes of include/copa/errors.h.
const (
	CodeOK            Code = 0
	CodeError         Code = -1
	CodeNotFound      Code = -2
	CodeAuth          Code = -3
	CodeInvalid       Code = -4
	CodeUnsupported   Code = -5
	CodeVerify        Code = -6
	CodeNetwork       Code = -7
	CodeUnsatisfiable Code = -8
	CodeCancelled     Code = -9
	CodeNoMemory      Code = -10
	CodeExternal      Code = -11
	CodeTimeout       Code = -12
	CodeLayer         Code = -13
)

// Name is the code's symbolic name as libcopa spells it ("COPA_EINVALID").
func (c Code) Name() string {
	return C.GoString(C.copa_error_name(C.int(c)))
}

// Error is a failed libcopa call: its code and libcopa's message.
type Error struct {
	Code    Code
	Message string
	cause   error // a Go error behind the failure (context, progress callback)
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.Name()
	}
	return e.Message
}

// Is makes errors.Is(err, ErrNotFound) true for every error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unwrap gives the Go error that caused the failure, if any: the context's
// error after a cancellation, or the progress callback's error.
func (e *Error) Unwrap() error { return e.cause }

// Sentinels for errors.Is, one per code.
var (
	ErrGeneric       = &Error{Code: CodeError, Message: "COPA_ERROR"}
	ErrNotFound      = &Error{Code: CodeNotFound, Message: "COPA_ENOTFOUND"}
	ErrAuth          = &Error{Code: CodeAuth, Message: "COPA_EAUTH"}
	ErrInvalid       = &Error{Code: CodeInvalid, Message: "COPA_EINVALID"}
	ErrUnsupported   = &Error{Code: CodeUnsupported, Message: "COPA_EUNSUPPORTED"}
	ErrVerify        = &Error{Code: CodeVerify, Message: "COPA_EVERIFY"}
	ErrNetwork       = &Error{Code: CodeNetwork, Message: "COPA_ENETWORK"}
	ErrUnsatisfiable = &Error{Code: CodeUnsatisfiable, Message: "COPA_EUNSATISFIABLE"}
	ErrCancelled     = &Error{Code: CodeCancelled, Message: "COPA_ECANCELLED"}
	ErrNoMemory      = &Error{Code: CodeNoMemory, Message: "COPA_ENOMEM"}
	ErrExternal      = &Error{Code: CodeExternal, Message: "COPA_EEXTERNAL"}
	ErrTimeout       = &Error{Code: CodeTimeout, Message: "COPA_ETIMEOUT"}
	ErrLayer         = &Error{Code: CodeLayer, Message: "COPA_ELAYER"}
)

// takeError turns a captured code + message into an *Error and frees the copy.
func takeError(e *C.copa_go_err) error {
	msg := C.GoString(e.message)
	C.free(unsafe.Pointer(e.message))
	e.message = nil
	if msg == "" {
		msg = fmt.Sprintf("libcopa call failed with %s", Code(e.code).Name())
	}
	return &Error{Code: Code(e.code), Message: msg}
}
