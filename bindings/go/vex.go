package copa

/*
#include "shim.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
)

// VexOptions are an OpenVEX document's metadata; "" takes libcopa's default.
type VexOptions struct {
	ID        string // "" derives the @id from the content
	Author    string // "" is "copa"
	Timestamp string // RFC 3339; "" is now or SOURCE_DATE_EPOCH
	Tooling   string // "" is "libcopa VERSION"
}

// Vex is an OpenVEX v0.2.0 document being built. It is safe for use from
// several goroutines; Close frees it (a finalizer does too).
type Vex struct {
	mu sync.Mutex
	h  *C.copa_vex
}

var errClosed = errors.New("copa: VEX document is closed")

// NewVex starts an empty document. Errors: ErrInvalid (id not an IRI, empty
// author, timestamp not RFC 3339).
func NewVex(opts *VexOptions) (*Vex, error) {
	if opts == nil {
		opts = &VexOptions{}
	}
	id, au, ts, to := cstrOpt(opts.ID), cstrOpt(opts.Author), cstrOpt(opts.Timestamp), cstrOpt(opts.Tooling)
	defer cfree(id, au, ts, to)
	var e C.copa_go_err
	v := &Vex{}
	if C.copa_go_vex_create(&e, &v.h, id, au, ts, to) < 0 {
		return nil, takeError(&e)
	}
	runtime.SetFinalizer(v, (*Vex).Close)
	return v, nil
}

// AddFixed claims vulnerability fixed in product by subcomponent ("" claims
// the product as a whole). Errors: ErrInvalid for a bad ID or purl.
func (v *Vex) AddFixed(vulnerability, productPurl, subcomponentPurl string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.h == nil {
		return errClosed
	}
	cv, cp, cs := cstr(vulnerability), cstr(productPurl), cstrOpt(subcomponentPurl)
	defer cfree(cv, cp, cs)
	var e C.copa_go_err
	if C.copa_go_vex_add_fixed(&e, v.h, cv, cp, cs) < 0 {
		return takeError(&e)
	}
	return nil
}

// Len is the number of statements (distinct vulnerabilities).
func (v *Vex) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return int(C.copa_vex_statement_count(v.h))
}

// JSON is the document; the same document gives the same bytes. Errors:
// ErrInvalid when there is no claim yet.
func (v *Vex) JSON() ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.h == nil {
		return nil, errClosed
	}
	var e C.copa_go_err
	var out *C.char
	if C.copa_go_vex_to_json(&e, &out, v.h) < 0 {
		return nil, takeError(&e)
	}
	return []byte(takeString(out, func(p *C.char) { C.copa_vex_string_free(p) })), nil
}

// WriteFile writes the document to path atomically.
func (v *Vex) WriteFile(path string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.h == nil {
		return errClosed
	}
	cp := cstr(path)
	defer cfree(cp)
	var e C.copa_go_err
	if C.copa_go_vex_write_file(&e, v.h, cp) < 0 {
		return takeError(&e)
	}
	return nil
}

// Close frees the native document; later calls fail. Close is idempotent.
func (v *Vex) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	C.copa_vex_free(v.h)
	v.h = nil
	return nil
}

// PurlPackage is the package URL of an OS package, e.g.
// "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12".
func PurlPackage(format, distroID, distroVersion, name, version, arch string) (string, error) {
	cf, cd, cdv, cn, cv, ca := cstr(format), cstr(distroID), cstrOpt(distroVersion), cstr(name), cstr(version), cstrOpt(arch)
	defer cfree(cf, cd, cdv, cn, cv, ca)
	var e C.copa_go_err
	var out *C.char
	if C.copa_go_purl_package(&e, &out, cf, cd, cdv, cn, cv, ca) < 0 {
		return "", takeError(&e)
	}
	return takeString(out, func(p *C.char) { C.copa_vex_string_free(p) }), nil
}

// PurlImage is the package URL of an image, e.g.
// "pkg:oci/nginx@sha256:...?repository_url=docker.io%2Flibrary%2Fnginx&tag=1.25".
func PurlImage(registry, repository, digest, tag string) (string, error) {
	cr, cp, cd, ct := cstrOpt(registry), cstr(repository), cstr(digest), cstrOpt(tag)
	defer cfree(cr, cp, cd, ct)
	var e C.copa_go_err
	var out *C.char
	if C.copa_go_purl_image(&e, &out, cr, cp, cd, ct) < 0 {
		return "", takeError(&e)
	}
	return takeString(out, func(p *C.char) { C.copa_vex_string_free(p) }), nil
}
