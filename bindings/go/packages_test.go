package copa

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPackagesMissingImage(t *testing.T) {
	_, err := Packages("oci:"+filepath.Join(t.TempDir(), "nothing")+":x", nil)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestPackagesUnknownOSIsUnsupported(t *testing.T) {
	layout, _ := ociImage(t)
	_, err := Packages("oci:"+layout+":v1", nil)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("got %v, want ErrUnsupported", err)
	}
}

func TestPackagesBadFormat(t *testing.T) {
	_, err := Packages("oci:/nowhere:x", &PackagesOptions{Format: "xml"})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
}

func TestPackagesBeforeAndAfterPatch(t *testing.T) {
	image, _, report := fixture(t)
	before, err := Packages(image, nil)
	if err != nil {
		t.Fatal(err)
	}
	if before.PackageManager != "dpkg" {
		t.Fatalf("package manager %q", before.PackageManager)
	}
	find := func(inv *Inventory) []Package {
		var found []Package
		for _, p := range inv.Packages {
			if p.Name == "hello-copa" {
				found = append(found, p)
			}
		}
		return found
	}
	if h := find(before); len(h) != 1 || h[0].Version != "1.0-1" || h[0].Patched {
		t.Fatalf("before: %+v", h)
	}
	out := filepath.Join(t.TempDir(), "out")
	sbomPath := filepath.Join(t.TempDir(), "sbom.json")
	if _, err := Patch(context.Background(), &PatchOptions{Image: image, Report: report, Tag: "inv", OCIDir: out, SBOMPath: sbomPath}); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(sbomPath)
	if err != nil || !strings.Contains(string(written), `"name":	"hello-copa"`) {
		t.Fatalf("the patch's SBOM: %v %s", err, written)
	}
	after, err := Packages("oci:"+out+":inv", &PackagesOptions{Format: "cyclonedx"})
	if err != nil {
		t.Fatal(err)
	}
	h := find(after)
	if len(h) != 1 || h[0].Version != "1.1-1" || !h[0].Patched {
		t.Fatalf("after: %+v", h)
	}
	var bom struct {
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			PURL string `json:"purl"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(after.Document), &bom); err != nil || bom.SpecVersion != "1.6" {
		t.Fatalf("document: %v %s", err, after.Document)
	}
	seen := false
	for _, c := range bom.Components {
		seen = seen || c.PURL == h[0].PURL
	}
	if !seen {
		t.Fatalf("the SBOM does not list %s", h[0].PURL)
	}
}
