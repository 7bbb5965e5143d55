package copa

/*
#include "shim.h"
*/
import "C"

import "unsafe"

// ReportOptions say how to read a report; the zero value detects the format.
type ReportOptions struct {
	// Format is "auto" (or ""), "trivy", "grype" or "native".
	Format string
	// Scanner is a plugin NAME: run `copa-NAME PATH` and read its output.
	Scanner string
	// IgnoreErrors skips packages with invalid versions (listed in Warnings).
	IgnoreErrors bool
	// PluginTimeoutMs limits a plugin's run; 0 means 60 s.
	PluginTimeoutMs uint
}

// Update is an OS package to update, or a vulnerable language package.
type Update struct {
	Name             string
	InstalledVersion string
	// FixedVersion is the version to reach (OS packages), or the scanner's
	// fixed versions joined by ", " (language packages).
	FixedVersion     string
	VulnerabilityIDs []string
	// Type is "deb", "rpm", "apk", or a language ecosystem.
	Type string
	// PkgClass is "os-pkgs" or "lang-pkgs".
	PkgClass string
	Path     string
	Purl     string
	// Handled is true when OS patching handles the package.
	Handled bool
}

// Unfixed is a vulnerability without a fixed version.
type Unfixed struct {
	Name             string
	InstalledVersion string
	VulnerabilityID  string
	Status           string
	PkgClass         string
}

// Report is a parsed, normalized scanner report (a plain Go value).
type Report struct {
	// Format is what the report was read as: "trivy", "grype", "native", "plugin".
	Format    string
	OSFamily  string
	OSVersion string
	// PkgFormat is "deb", "rpm", "apk", or "unknown".
	PkgFormat    string
	Arch         string
	Variant      string
	Artifact     string
	Updates      []Update
	LangPackages []Update
	Unfixed      []Unfixed
	Warnings     []string
	// JSON is libcopa's stable JSON of the normalized manifest.
	JSON string
}

// ParseReport reads and normalizes a report file (Trivy, Grype, copa native,
// or a plugin's output). Errors: ErrNotFound (file or plugin), ErrInvalid
// (malformed; the message starts with the file name), ErrUnsupported,
// ErrExternal, ErrTimeout.
func ParseReport(path string, opts *ReportOptions) (*Report, error) {
	return parseReport(path, nil, opts)
}

// ParseReportBytes is ParseReport for a report held in memory; name is
// used in messages. Plugins need a file (Scanner is an ErrInvalid error).
func ParseReportBytes(data []byte, name string, opts *ReportOptions) (*Report, error) {
	if data == nil {
		data = []byte{}
	}
	return parseReport(name, data, opts)
}

func parseReport(path string, data []byte, opts *ReportOptions) (*Report, error) {
	if opts == nil {
		opts = &ReportOptions{}
	}
	format := opts.Format
	if format == "" {
		format = "auto"
	}
	cpath, cformat, cscanner := cstrOpt(path), cstr(format), cstrOpt(opts.Scanner)
	defer cfree(cpath, cformat, cscanner)
	var cdata *C.char
	if data != nil {
		cdata = (*C.char)(C.CBytes(append(data, 0)))
		defer C.free(unsafe.Pointer(cdata))
	}
	ignore := C.int(0)
	if opts.IgnoreErrors {
		ignore = 1
	}
	var e C.copa_go_err
	var handle *C.copa_report
	if C.copa_go_report_parse(&e, &handle, cpath, cdata, C.size_t(len(data)), cformat, cscanner,
		ignore, C.uint(opts.PluginTimeoutMs)) < 0 {
		return nil, takeError(&e)
	}
	defer C.copa_report_free(handle)
	return readReport(handle)
}

func goUpdate(u *C.copa_report_update) Update {
	ids := make([]string, int(u.vulnerability_count))
	arr := unsafe.Slice(u.vulnerability_ids, int(u.vulnerability_count))
	for i := range ids {
		ids[i] = C.GoString(arr[i])
	}
	return Update{
		Name:             C.GoString(u.name),
		InstalledVersion: C.GoString(u.installed_version),
		FixedVersion:     C.GoString(u.fixed_version),
		VulnerabilityIDs: ids,
		Type:             C.GoString(u._type),
		PkgClass:         C.GoString(u.pkg_class),
		Path:             C.GoString(u.path),
		Purl:             C.GoString(u.purl),
		Handled:          u.handled != 0,
	}
}

func readReport(h *C.copa_report) (*Report, error) {
	m := C.copa_report_metadata_get(h)
	r := &Report{
		Format:    C.GoString(C.copa_report_format_name(m.format)),
		OSFamily:  C.GoString(m.os_family),
		OSVersion: C.GoString(m.os_version),
		PkgFormat: C.GoString(C.copa_pkg_format_name(m.pkg_format)),
		Arch:      C.GoString(m.arch),
		Variant:   C.GoString(m.variant),
		Artifact:  C.GoString(m.artifact),
	}
	for i, n := C.size_t(0), C.copa_report_update_count(h); i < n; i++ {
		r.Updates = append(r.Updates, goUpdate(C.copa_report_update_get(h, i)))
	}
	for i, n := C.size_t(0), C.copa_report_lang_count(h); i < n; i++ {
		r.LangPackages = append(r.LangPackages, goUpdate(C.copa_report_lang_get(h, i)))
	}
	for i, n := C.size_t(0), C.copa_report_unfixed_count(h); i < n; i++ {
		u := C.copa_report_unfixed_get(h, i)
		r.Unfixed = append(r.Unfixed, Unfixed{
			Name:             C.GoString(u.name),
			InstalledVersion: C.GoString(u.installed_version),
			VulnerabilityID:  C.GoString(u.vulnerability_id),
			Status:           C.GoString(u.status),
			PkgClass:         C.GoString(u.pkg_class),
		})
	}
	for i, n := C.size_t(0), C.copa_report_warning_count(h); i < n; i++ {
		r.Warnings = append(r.Warnings, C.GoString(C.copa_report_warning_get(h, i)))
	}
	var e C.copa_go_err
	var out *C.char
	if C.copa_go_report_to_json(&e, &out, h) < 0 {
		return nil, takeError(&e)
	}
	r.JSON = takeString(out, func(p *C.char) { C.copa_report_json_free(p) })
	return r, nil
}
