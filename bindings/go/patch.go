package copa

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime/cgo"
	"unsafe"
)

// ProgressKind says what a progress event reports.
type ProgressKind int

// The kinds of copa_progress_kind.
const (
	ProgressStageBegin ProgressKind = 0
	ProgressStageEnd   ProgressKind = 1
	ProgressBytes      ProgressKind = 2
	ProgressNote       ProgressKind = 3
)

func (k ProgressKind) String() string {
	switch k {
	case ProgressStageBegin:
		return "stage-begin"
	case ProgressStageEnd:
		return "stage-end"
	case ProgressBytes:
		return "bytes"
	case ProgressNote:
		return "note"
	}
	return "unknown"
}

// Progress is one progress event of Patch or Plan.
type Progress struct {
	Kind ProgressKind
	// Stage is "open", "read", "detect", "sources", "resolve", "download",
	// "build", "write" or "vex".
	Stage string
	// Item is the file or package bytes belong to.
	Item    string
	Done    float64
	Total   float64 // 0 when unknown
	Elapsed float64 // seconds since the start
	Message string
	// Platform is a multi-platform patch's platform the event belongs to
	// ("linux/arm64"); "" otherwise.
	Platform string
}

// PatchOptions say what to patch and where the result goes. The zero value
// (plus Image) patches every pending update into the source's layout or
// archive under the tag "<tag>-patched".
type PatchOptions struct {
	Image string
	// Report is a scanner report file; "" updates every pending update.
	Report string
	// ReportFormat is "auto" (or ""), "trivy", "grype" or "native".
	ReportFormat string
	Scanner      string
	Tag          string
	TagSuffix    string
	Push         bool
	OCIDir       string
	Archive      string
	Platform     string
	IgnoreErrors bool
	// Mirrors are apt rewrites "FROM=TO".
	Mirrors            []string
	Credentials        string
	InsecureRegistries []string
	CAFile             string
	CertDir            string
	TimeoutMs          uint64
	CacheDir           string
	VexPath            string
	VexAuthor          string
	// InsecureAllowUnsigned accepts apt repositories whose signature fails.
	InsecureAllowUnsigned bool
	// LayerCompression is how the new layer is compressed: "" or "gzip"
	// (level 6), "gzip:N" (1-9), "zstd" (level 3) or "zstd:N" (1-19). zstd
	// needs an OCI image and a zstd-aware runtime (docs/patch.md).
	LayerCompression string
	// SBOMPath, when set, receives a CycloneDX 1.6 SBOM of the patched image
	// (the document Packages gives for it with Format "cyclonedx").
	SBOMPath string
	// RunScripts runs the upgraded packages' maintainer scripts and triggers
	// in a sandbox inside the image and keeps what they change in the layer.
	RunScripts bool
	// Progress, when set, is called with each event; a non-nil error
	// cancels the patch, and Patch returns an ErrCancelled error wrapping it.
	Progress func(Progress) error
}

// PatchUpdate is a package the patch upgrades or installs.
type PatchUpdate struct {
	Name, Arch, From, To, Reason string
	Size                         float64
	IsNew                        bool
}

// Skipped is a fix that was not made, or a package kept back.
type Skipped struct {
	Name, Installed, Required, Best, Cause, Message string
	// Failed is true when the report asked for this fix.
	Failed bool
}

// Unfixable is a reported vulnerability without a fix.
type Unfixable struct {
	Name, Installed, VulnerabilityID, Status string
}

// PlatformOutcome is one platform of a multi-platform patch.
type PlatformOutcome struct {
	Platform string
	// Status is "patched", "up-to-date", "kept" or "error".
	Status      string
	UpdateCount int
	// Digest is the platform's manifest in the written index; "" in a dry run.
	Digest  string
	Message string
}

// PatchResult is what Patch did.
type PatchResult struct {
	UpToDate       bool
	Repatched      bool
	Digest         string
	Destination    string
	PlanText       string
	PlanJSON       string
	Updates        []PatchUpdate
	Skipped        []Skipped
	Unfixable      []Unfixable
	SkippedScripts []string
	LayerSize      float64
	// LayerCompression is "gzip:6", "zstd:3", ...; "" when no layer was written.
	LayerCompression string
	Elapsed          float64
	// Platforms is a multi-platform patch's outcome per platform (nil when
	// one image was patched).
	Platforms []PlatformOutcome
}

// PatchError is the error of a failed Patch after a plan was made: the
// partial result (for example the skipped fixes) comes with it.
type PatchError struct {
	Err    *Error
	Result *PatchResult
}

func (e *PatchError) Error() string { return e.Err.Error() }

// Unwrap lets errors.Is/As see the *Error (and through it the cause).
func (e *PatchError) Unwrap() error { return e.Err }

// PlanError is the error of a failed Plan that still produced a plan
// (ErrUnsatisfiable): Plan holds it.
type PlanError struct {
	Err  *Error
	Plan string
}

func (e *PlanError) Error() string { return e.Err.Error() }

// Unwrap lets errors.Is/As see the *Error.
func (e *PlanError) Unwrap() error { return e.Err }

type progressState struct {
	ctx context.Context
	fn  func(Progress) error
	err error // why the callback cancelled
}

//export goCopaProgress
func goCopaProgress(handle C.uintptr_t, event *C.copa_progress) C.int {
	st := cgo.Handle(handle).Value().(*progressState)
	if err := st.ctx.Err(); err != nil {
		st.err = err
		return C.int(CodeCancelled)
	}
	if st.fn != nil {
		p := Progress{
			Kind:     ProgressKind(event.kind),
			Stage:    C.GoString(event.stage),
			Item:     C.GoString(event.item),
			Done:     float64(event.done),
			Total:    float64(event.total),
			Elapsed:  float64(event.elapsed),
			Message:  C.GoString(event.message),
			Platform: C.GoString(event.platform),
		}
		if err := st.fn(p); err != nil {
			st.err = err
			return C.int(CodeCancelled)
		}
	}
	return 0
}

type cPatch struct {
	opts    C.copa_patch_options
	strs    []*C.char
	mirrors **C.char
	nmirror int
	insec   **C.char
	ninsec  int
}

func (c *cPatch) s(v string) *C.char {
	p := cstrOpt(v)
	c.strs = append(c.strs, p)
	return p
}

func (c *cPatch) free() {
	cfree(c.strs...)
	freeArray(c.mirrors, c.nmirror)
	freeArray(c.insec, c.ninsec)
}

var reportFormats = map[string]C.copa_report_format{
	"": 0, "auto": 0, "trivy": 1, "grype": 2, "native": 3,
}

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func (o *PatchOptions) toC() (*cPatch, error) {
	f, ok := reportFormats[o.ReportFormat]
	if !ok {
		return nil, &Error{Code: CodeInvalid, Message: "unknown report format '" + o.ReportFormat + "'"}
	}
	// C memory: the struct holds C pointers and is read by C only.
	c := &cPatch{}
	C.copa_patch_options_init(&c.opts, C.COPA_PATCH_OPTIONS_VERSION)
	c.opts.image = c.s(o.Image)
	c.opts.report = c.s(o.Report)
	c.opts.report_format = f
	c.opts.scanner = c.s(o.Scanner)
	c.opts.tag = c.s(o.Tag)
	c.opts.tag_suffix = c.s(o.TagSuffix)
	c.opts.push = boolInt(o.Push)
	c.opts.oci_dir = c.s(o.OCIDir)
	c.opts.archive = c.s(o.Archive)
	c.opts.platform = c.s(o.Platform)
	c.opts.ignore_errors = boolInt(o.IgnoreErrors)
	c.mirrors, c.nmirror = cstrArray(o.Mirrors, false), len(o.Mirrors)
	c.opts.mirrors = (**C.char)(unsafe.Pointer(c.mirrors))
	c.opts.mirror_count = C.size_t(len(o.Mirrors))
	c.opts.credentials = c.s(o.Credentials)
	c.insec, c.ninsec = cstrArray(o.InsecureRegistries, true), len(o.InsecureRegistries)+1
	c.opts.insecure_registries = (**C.char)(unsafe.Pointer(c.insec))
	c.opts.ca_file = c.s(o.CAFile)
	c.opts.cert_dir = c.s(o.CertDir)
	c.opts.timeout_ms = C.ulong(o.TimeoutMs)
	c.opts.cache_dir = c.s(o.CacheDir)
	c.opts.vex_path = c.s(o.VexPath)
	c.opts.vex_author = c.s(o.VexAuthor)
	c.opts.insecure_allow_unsigned = boolInt(o.InsecureAllowUnsigned)
	c.opts.layer_compression = c.s(o.LayerCompression)
	c.opts.sbom_path = c.s(o.SBOMPath)
	c.opts.run_scripts = boolInt(o.RunScripts)
	return c, nil
}

// run prepares options and the progress handle, then calls fn.
func run(ctx context.Context, o *PatchOptions, fn func(*C.copa_patch_options, C.uintptr_t) error) error {
	if err := ensureInit(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &Error{Code: CodeCancelled, Message: "cancelled before start: " + err.Error(), cause: err}
	}
	c, err := o.toC()
	if err != nil {
		return err
	}
	defer c.free()
	// The options are copied to C memory: C keeps no pointer into Go memory.
	copts := (*C.copa_patch_options)(C.malloc(C.size_t(unsafe.Sizeof(c.opts))))
	defer C.free(unsafe.Pointer(copts))
	*copts = c.opts
	st := &progressState{ctx: ctx, fn: o.Progress}
	h := cgo.NewHandle(st)
	defer h.Delete()
	err = fn(copts, C.uintptr_t(h))
	if e, ok := err.(*Error); ok && e.Code == CodeCancelled && st.err != nil {
		e.cause = st.err
	}
	return err
}

// Plan is the plan of a patch without making it, as JSON (json=true) or a
// text table. ctx cancels it at its next progress event. An unsatisfiable
// report returns a *PlanError (errors.Is ErrUnsatisfiable) with the plan.
func Plan(ctx context.Context, o *PatchOptions, asJSON bool) (string, error) {
	var plan string
	err := run(ctx, o, func(opts *C.copa_patch_options, h C.uintptr_t) error {
		var e C.copa_go_err
		var out *C.char
		rc := C.copa_go_plan(&e, &out, opts, boolInt(asJSON), h)
		if out != nil {
			plan = takeString(out, func(p *C.char) { C.copa_plan_free(p) })
		}
		if rc < 0 {
			err := takeError(&e)
			if plan != "" {
				return &PlanError{Err: err.(*Error), Plan: plan}
			}
			return err
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return plan, nil
}

// PlanJSON is Plan decoded into a generic JSON value.
func PlanJSON(ctx context.Context, o *PatchOptions) (map[string]interface{}, error) {
	s, err := Plan(ctx, o, true)
	if err != nil {
		return nil, err
	}
	var v map[string]interface{}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return v, nil
}

// Patch patches the OS packages of an image: the result is the base image
// plus one layer. ctx cancels it at its next progress event (the error is
// ErrCancelled and wraps ctx.Err()). A failure after the plan was made is a
// *PatchError carrying the partial result.
func Patch(ctx context.Context, o *PatchOptions) (*PatchResult, error) {
	var result *PatchResult
	err := run(ctx, o, func(opts *C.copa_patch_options, h C.uintptr_t) error {
		var e C.copa_go_err
		var out *C.copa_patch_result
		rc := C.copa_go_patch(&e, &out, opts, h)
		var err error
		if rc < 0 {
			err = takeError(&e)
		}
		if out != nil {
			result = readResult(out)
			C.copa_patch_result_free(out)
		}
		return err
	})
	if err != nil {
		if e, ok := err.(*Error); ok && result != nil {
			return nil, &PatchError{Err: e, Result: result}
		}
		return nil, err
	}
	return result, nil
}

func readResult(h *C.copa_patch_result) *PatchResult {
	r := &PatchResult{
		UpToDate:         C.copa_patch_result_up_to_date(h) != 0,
		Repatched:        C.copa_patch_result_repatched(h) != 0,
		Digest:           C.GoString(C.copa_patch_result_digest(h)),
		Destination:      C.GoString(C.copa_patch_result_destination(h)),
		PlanText:         C.GoString(C.copa_patch_result_plan(h, C.COPA_PLAN_TEXT)),
		PlanJSON:         C.GoString(C.copa_patch_result_plan(h, C.COPA_PLAN_JSON)),
		LayerSize:        float64(C.copa_patch_result_layer_size(h)),
		LayerCompression: C.GoString(C.copa_patch_result_layer_compression(h)),
		Elapsed:          float64(C.copa_patch_result_elapsed(h)),
	}
	for i, n := C.size_t(0), C.copa_patch_result_update_count(h); i < n; i++ {
		u := C.copa_patch_result_update(h, i)
		r.Updates = append(r.Updates, PatchUpdate{
			Name: C.GoString(u.name), Arch: C.GoString(u.arch), From: C.GoString(u.from),
			To: C.GoString(u.to), Reason: C.GoString(u.reason), Size: float64(u.size),
			IsNew: u.is_new != 0,
		})
	}
	for i, n := C.size_t(0), C.copa_patch_result_skipped_count(h); i < n; i++ {
		s := C.copa_patch_result_skipped(h, i)
		r.Skipped = append(r.Skipped, Skipped{
			Name: C.GoString(s.name), Installed: C.GoString(s.installed),
			Required: C.GoString(s.required), Best: C.GoString(s.best),
			Cause: C.GoString(s.cause), Message: C.GoString(s.message), Failed: s.failed != 0,
		})
	}
	for i, n := C.size_t(0), C.copa_patch_result_unfixable_count(h); i < n; i++ {
		u := C.copa_patch_result_unfixable(h, i)
		r.Unfixable = append(r.Unfixable, Unfixable{
			Name: C.GoString(u.name), Installed: C.GoString(u.installed),
			VulnerabilityID: C.GoString(u.vulnerability_id), Status: C.GoString(u.status),
		})
	}
	for i, n := C.size_t(0), C.copa_patch_result_skipped_script_count(h); i < n; i++ {
		r.SkippedScripts = append(r.SkippedScripts, C.GoString(C.copa_patch_result_skipped_script(h, i)))
	}
	for i, n := C.size_t(0), C.copa_patch_result_platform_count(h); i < n; i++ {
		p := C.copa_patch_result_platform(h, i)
		r.Platforms = append(r.Platforms, PlatformOutcome{
			Platform: C.GoString(p.platform), Status: C.GoString(p.status),
			UpdateCount: int(p.update_count), Digest: C.GoString(p.digest),
			Message: C.GoString(p.message),
		})
	}
	return r
}
