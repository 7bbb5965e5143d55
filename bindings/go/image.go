package copa

/*
#include "shim.h"
*/
import "C"

import "unsafe"

// Reference is a parsed, normalized image reference. Fields a reference
// does not have are "".
type Reference struct {
	// Transport is "docker" (a registry), "oci", "oci-archive" or "docker-archive".
	Transport  string
	Registry   string
	Repository string
	Tag        string
	Digest     string
	// Path is the directory or file of a local transport.
	Path string
	// String is the full normalized reference.
	String string
}

// ParseReference parses and normalizes an image reference ("nginx" becomes
// "docker.io/library/nginx:latest"). Errors: ErrInvalid, ErrUnsupported.
func ParseReference(text string) (*Reference, error) {
	ct := cstr(text)
	defer cfree(ct)
	var e C.copa_go_err
	var ref *C.copa_reference
	if C.copa_go_reference_parse(&e, &ref, ct) < 0 {
		return nil, takeError(&e)
	}
	defer C.copa_reference_free(ref)
	return &Reference{
		Transport:  C.GoString(C.copa_transport_name(C.copa_reference_transport(ref))),
		Registry:   C.GoString(C.copa_reference_registry(ref)),
		Repository: C.GoString(C.copa_reference_repository(ref)),
		Tag:        C.GoString(C.copa_reference_tag(ref)),
		Digest:     C.GoString(C.copa_reference_digest(ref)),
		Path:       C.GoString(C.copa_reference_path(ref)),
		String:     C.GoString(C.copa_reference_string(ref)),
	}, nil
}

// RegistryOptions are the registry settings shared by Inspect and Copy.
type RegistryOptions struct {
	// Platform is "os/arch[/variant]" of a multi-platform image; "" for the
	// host's (Inspect) or the whole index (Copy).
	Platform string
	// Credentials is "USER:PASS"; "" looks in the usual auth files.
	Credentials string
	// InsecureRegistries are "HOST[:PORT]" registries spoken to over HTTP.
	InsecureRegistries []string
	// CAFile is a PEM file of extra CAs; CertDir a directory of *.crt CAs.
	CAFile  string
	CertDir string
	// CacheDir is the blob cache ("": $COPA_CACHE_DIR, ~/.cache/copa).
	CacheDir string
}

type cRegistry struct {
	c        C.copa_go_registry
	insecure int
}

func (o *RegistryOptions) toC() *cRegistry {
	r := &cRegistry{}
	if o == nil {
		return r
	}
	r.c.platform = cstrOpt(o.Platform)
	r.c.credentials = cstrOpt(o.Credentials)
	r.c.insecure_registries = cstrArray(o.InsecureRegistries, true)
	r.insecure = len(o.InsecureRegistries) + 1
	r.c.ca_file = cstrOpt(o.CAFile)
	r.c.cert_dir = cstrOpt(o.CertDir)
	r.c.cache_dir = cstrOpt(o.CacheDir)
	return r
}

func (r *cRegistry) free() {
	cfree(r.c.platform, r.c.credentials, r.c.ca_file, r.c.cert_dir, r.c.cache_dir)
	freeArray((**C.char)(unsafe.Pointer(r.c.insecure_registries)), r.insecure)
}

// Inspect describes an image as libcopa's JSON document: reference,
// manifest digest and media types, platforms, layers, config summary and
// /etc/os-release. Every blob read is verified. Errors: ErrNotFound,
// ErrInvalid, ErrVerify, ErrUnsupported, ErrAuth, ErrNetwork.
func Inspect(image string, opts *RegistryOptions) ([]byte, error) {
	s, err := inspect(image, opts, 1)
	return []byte(s), err
}

// InspectText is Inspect as text for people.
func InspectText(image string, opts *RegistryOptions) (string, error) {
	return inspect(image, opts, 0)
}

func inspect(image string, opts *RegistryOptions, json C.int) (string, error) {
	if err := ensureInit(); err != nil {
		return "", err
	}
	ci := cstr(image)
	defer cfree(ci)
	r := opts.toC()
	defer r.free()
	var e C.copa_go_err
	var out *C.char
	if C.copa_go_image_inspect(&e, &out, ci, json, &r.c) < 0 {
		return "", takeError(&e)
	}
	return takeString(out, func(p *C.char) { C.free(unsafe.Pointer(p)) }), nil
}

// Copy copies an image between any two transports, verifying every blob;
// nothing appears at the destination unless the whole copy succeeds.
func Copy(from, to string, opts *RegistryOptions) error {
	if err := ensureInit(); err != nil {
		return err
	}
	cf, ct := cstr(from), cstr(to)
	defer cfree(cf, ct)
	r := opts.toC()
	defer r.free()
	var e C.copa_go_err
	if C.copa_go_image_copy(&e, cf, ct, &r.c) < 0 {
		return takeError(&e)
	}
	return nil
}
