package copa

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The image of tests/bindings/with_patch_fixture.sh (the ctest test runs
// go test through it); without it these tests skip.
func fixture(t *testing.T) (image, layout, report string) {
	image = os.Getenv("COPA_TEST_IMAGE")
	if image == "" {
		t.Skip("run through tests/bindings/with_patch_fixture.sh")
	}
	return image, os.Getenv("COPA_TEST_LAYOUT"), os.Getenv("COPA_TEST_REPORT")
}

func TestPatchMissingImage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nothing")
	_, err := Plan(context.Background(), &PatchOptions{Image: "oci:" + dir + ":x"}, true)
	copaError(t, err, ErrNotFound, dir)
	_, err = Patch(context.Background(), &PatchOptions{Image: "oci:" + dir + ":x"})
	copaError(t, err, ErrNotFound, dir)
	_, err = Plan(context.Background(), &PatchOptions{Image: "oci:/x:y", ReportFormat: "snyk"}, true)
	copaError(t, err, ErrInvalid, "snyk")
}

func TestPatchContextCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Patch(ctx, &PatchOptions{Image: "oci:/nowhere:x"})
	copaError(t, err, ErrCancelled, "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v does not wrap context.Canceled", err)
	}
}

func TestPlan(t *testing.T) {
	image, layout, report := fixture(t)
	plan, err := PlanJSON(context.Background(), &PatchOptions{Image: image})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := json.Marshal(plan); !strings.Contains(string(s), "hello-copa") || !strings.Contains(string(s), "1.1-1") {
		t.Fatalf("%s", s)
	}
	text, err := Plan(context.Background(), &PatchOptions{Image: image, Report: report}, false)
	if err != nil || !strings.Contains(text, "CVE-2099-0001") || !strings.Contains(text, "1.0-1") {
		t.Fatalf("%v: %s", err, text)
	}
	if tagDigest(t, layout, "base-patched") != "" {
		t.Fatal("a plan wrote a tag")
	}
}

func TestPlanUnsatisfiable(t *testing.T) {
	image, _, report := fixture(t)
	data, _ := os.ReadFile(report)
	path := filepath.Join(t.TempDir(), "toonew.json")
	writeFile(t, path, strings.Replace(string(data), `"FixedVersion": "1.1-1"`, `"FixedVersion": "9.9-1"`, 1))
	_, err := Plan(context.Background(), &PatchOptions{Image: image, Report: path}, true)
	copaError(t, err, ErrUnsatisfiable, "hello-copa")
	var pe *PlanError
	if !errors.As(err, &pe) || pe.Plan == "" {
		t.Fatalf("%T carries no plan", err)
	}
	_, err = Patch(context.Background(), &PatchOptions{Image: image, Report: path, OCIDir: filepath.Join(t.TempDir(), "o")})
	copaError(t, err, ErrUnsatisfiable, "1.1-1")
	var pae *PatchError
	if !errors.As(err, &pae) || len(pae.Result.Skipped) == 0 || pae.Result.Skipped[0].Name != "hello-copa" || !pae.Result.Skipped[0].Failed {
		t.Fatalf("%#v", err)
	}
}

func TestPatchCancelledByContext(t *testing.T) {
	image, layout, _ := fixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stages []string
	_, err := Patch(ctx, &PatchOptions{Image: image, Tag: "never", Progress: func(p Progress) error {
		if p.Kind == ProgressStageEnd {
			stages = append(stages, p.Stage)
			if p.Stage == "detect" {
				cancel()
			}
		}
		return nil
	}})
	copaError(t, err, ErrCancelled, "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v does not wrap context.Canceled", err)
	}
	if !reflect.DeepEqual(stages, []string{"open", "read", "detect"}) {
		t.Fatalf("stages after cancel: %v", stages)
	}
	if tagDigest(t, layout, "never") != "" {
		t.Fatal("a cancelled patch wrote its tag")
	}
}

func TestPatchCancelledByCallbackError(t *testing.T) {
	image, layout, _ := fixture(t)
	stop := errors.New("enough")
	_, err := Patch(context.Background(), &PatchOptions{Image: image, Tag: "never2", Progress: func(p Progress) error {
		if p.Stage == "sources" {
			return stop
		}
		return nil
	}})
	copaError(t, err, ErrCancelled, "")
	if !errors.Is(err, stop) {
		t.Fatalf("%v does not wrap the callback's error", err)
	}
	if tagDigest(t, layout, "never2") != "" {
		t.Fatal("a cancelled patch wrote its tag")
	}
}

func TestPatchReal(t *testing.T) {
	image, layout, report := fixture(t)
	dir := t.TempDir()
	vexPath := filepath.Join(dir, "vex.json")
	var ends []string
	res, err := Patch(context.Background(), &PatchOptions{
		Image: image, Report: report, Tag: "go-patched", OCIDir: layout,
		VexPath: vexPath, VexAuthor: "go tests",
		Progress: func(p Progress) error {
			if p.Kind == ProgressStageEnd {
				ends = append(ends, p.Stage)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.UpToDate || res.Repatched || !strings.HasPrefix(res.Digest, "sha256:") || res.LayerSize <= 0 {
		t.Fatalf("%+v", res)
	}
	if len(res.Updates) != 1 || res.Updates[0].Name != "hello-copa" || res.Updates[0].From != "1.0-1" ||
		res.Updates[0].To != "1.1-1" || !strings.Contains(res.Updates[0].Reason, "CVE-2099-0001") {
		t.Fatalf("updates %+v", res.Updates)
	}
	if len(res.Unfixable) != 1 || res.Unfixable[0].VulnerabilityID != "CVE-2099-0002" {
		t.Fatalf("unfixable %+v", res.Unfixable)
	}
	if tagDigest(t, layout, "go-patched") != res.Digest {
		t.Fatal("the layout's tag does not name the result's digest")
	}
	if !reflect.DeepEqual(ends[:5], []string{"open", "read", "detect", "sources", "resolve"}) {
		t.Fatalf("stages %v", ends)
	}
	vex, _ := os.ReadFile(vexPath)
	if !strings.Contains(string(vex), "CVE-2099-0001") || strings.Contains(string(vex), "CVE-2099-0002") ||
		!strings.Contains(string(vex), strings.TrimPrefix(res.Digest, "sha256:")) {
		t.Fatalf("VEX: %s", vex)
	}
	if _, err := exec.LookPath("umoci"); err == nil {
		out := filepath.Join(dir, "unpacked")
		mustRun(t, "umoci", "unpack", "--rootless", "--image", layout+":go-patched", out)
		status, _ := os.ReadFile(filepath.Join(out, "rootfs", "var", "lib", "dpkg", "status"))
		stanza := strings.SplitN(strings.SplitN(string(status), "Package: hello-copa\n", 2)[1], "\n\n", 2)[0]
		if !strings.Contains(stanza, "Version: 1.1-1") {
			t.Fatalf("status: %s", stanza)
		}
	}
	again, err := Patch(context.Background(), &PatchOptions{Image: "oci:" + layout + ":go-patched", OCIDir: filepath.Join(dir, "again")})
	if err != nil || !again.UpToDate || !again.Repatched || again.Digest != "" {
		t.Fatalf("%+v %v", again, err)
	}
}

func TestPatchLayerCompression(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Patch(context.Background(), &PatchOptions{Image: "oci:/nowhere:x", OCIDir: dir, LayerCompression: "gzip:10"})
	copaError(t, err, ErrInvalid, "'gzip:10'")
	image, _, _ := fixture(t)
	r, err := Patch(context.Background(), &PatchOptions{Image: image, OCIDir: dir, Tag: "z", LayerCompression: "zstd"})
	if err != nil {
		t.Fatal(err)
	}
	if r.LayerCompression != "zstd:3" {
		t.Fatalf("LayerCompression %q", r.LayerCompression)
	}
	data, err := os.ReadFile(filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(tagDigest(t, dir, "z"), "sha256:")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "application/vnd.oci.image.layer.v1.tar+zstd") {
		t.Fatalf("manifest %s", data)
	}
}

// An index of the fixture image as linux/amd64 and as linux/arm64 (whose
// repository has no arm64 index: that platform fails and IgnoreErrors keeps
// it) and a windows entry: each platform is reported with its outcome.
func TestPatchMultiPlatform(t *testing.T) {
	_, layout, _ := fixture(t)
	dir := t.TempDir()
	script := filepath.Join(sourceDir(t), "tests", "integration", "patch", "make_index.py")
	mustRun(t, "/usr/bin/python3", script, filepath.Join(dir, "multi"), layout, layout)
	res, err := Patch(context.Background(), &PatchOptions{
		Image: "oci:" + filepath.Join(dir, "multi") + ":index", Tag: "patched",
		OCIDir: filepath.Join(dir, "out"), IgnoreErrors: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]PlatformOutcome{}
	for _, p := range res.Platforms {
		got[p.Platform] = p
	}
	if len(got) != 3 || got["linux/amd64"].Status != "patched" || got["linux/amd64"].UpdateCount != 1 ||
		!strings.HasPrefix(got["linux/amd64"].Digest, "sha256:") ||
		got["linux/arm64"].Status != "error" || !strings.Contains(got["linux/arm64"].Message, "binary-arm64") ||
		got["windows/amd64"].Status != "kept" {
		t.Fatalf("platforms %+v", res.Platforms)
	}
	if tagDigest(t, filepath.Join(dir, "out"), "patched") != res.Digest {
		t.Fatal("the layout's tag does not name the new index")
	}
}
