package copa

/*
#include "shim.h"
*/
import "C"

// Package is one installed OS package of an image.
type Package struct {
	Name, Version, Arch       string
	SourceName, SourceVersion string
	// PURL is the package URL copa's VEX documents use for it.
	PURL string
	// Patched is true when copa's patch layer installed this version.
	Patched bool
}

// Inventory is an image's OS and installed OS packages (sorted by name,
// then architecture).
type Inventory struct {
	Digest, OSID, OSVersion, OSPrettyName, PackageManager string
	Packages                                              []Package
	// Document is the text asked for with PackagesOptions.Format, else "".
	Document string
}

// PackagesOptions are the registry settings plus the output format.
type PackagesOptions struct {
	RegistryOptions
	// Format also renders the inventory: "table", "json" or "cyclonedx"
	// (a CycloneDX 1.6 SBOM); "" for none.
	Format string
}

var inventoryFormats = map[string]C.int{"table": 0, "json": 1, "cyclonedx": 2}

// Packages reads an image's OS and installed OS packages from its own
// package database (every layer streamed once and verified; nothing run).
// Errors: ErrNotFound, ErrInvalid, ErrUnsupported (an OS copa has no
// engine for), ErrVerify, ErrAuth, ErrNetwork.
func Packages(image string, opts *PackagesOptions) (*Inventory, error) {
	format := C.int(-1)
	var reg *RegistryOptions
	if opts != nil {
		reg = &opts.RegistryOptions
		if opts.Format != "" {
			f, ok := inventoryFormats[opts.Format]
			if !ok {
				return nil, &Error{Code: CodeInvalid,
					Message: "format must be table, json or cyclonedx, not " + opts.Format}
			}
			format = f
		}
	}
	if err := ensureInit(); err != nil {
		return nil, err
	}
	ci := cstr(image)
	defer cfree(ci)
	r := reg.toC()
	defer r.free()
	var e C.copa_go_err
	var inv *C.copa_inventory
	if C.copa_go_packages_open(&e, &inv, ci, &r.c) < 0 {
		return nil, takeError(&e)
	}
	defer C.copa_inventory_free(inv)
	out := &Inventory{
		Digest:         C.GoString(C.copa_inventory_digest(inv)),
		OSID:           C.GoString(C.copa_inventory_os_id(inv)),
		OSVersion:      C.GoString(C.copa_inventory_os_version(inv)),
		OSPrettyName:   C.GoString(C.copa_inventory_os_pretty_name(inv)),
		PackageManager: C.GoString(C.copa_inventory_package_manager(inv)),
	}
	n := int(C.copa_inventory_package_count(inv))
	for i := 0; i < n; i++ {
		p := C.copa_inventory_package(inv, C.size_t(i))
		out.Packages = append(out.Packages, Package{
			Name: C.GoString(p.name), Version: C.GoString(p.version), Arch: C.GoString(p.arch),
			SourceName: C.GoString(p.source_name), SourceVersion: C.GoString(p.source_version),
			PURL: C.GoString(p.purl), Patched: p.patched != 0,
		})
	}
	if format >= 0 {
		var text *C.char
		if C.copa_go_inventory_format(&e, &text, inv, format) < 0 {
			return nil, takeError(&e)
		}
		out.Document = takeString(text, func(p *C.char) { C.copa_inventory_text_free(p) })
	}
	return out, nil
}
