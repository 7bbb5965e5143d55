package copa

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseReportTrivy(t *testing.T) {
	r, err := ParseReport(reportPath(t, "trivy-debian.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != "trivy" || r.OSFamily != "debian" || r.OSVersion != "12.5" || r.PkgFormat != "deb" ||
		r.Arch != "amd64" || r.Artifact != "debian:12.5" {
		t.Fatalf("metadata: %+v", r)
	}
	var got [][3]string
	for _, u := range r.Updates {
		got = append(got, [3]string{u.Name, u.InstalledVersion, u.FixedVersion})
	}
	want := [][3]string{
		{"bsdutils", "1:2.38.1-5+b1", "1:2.38.1-5+deb12u1"},
		{"libexample", "1.0-1", "1:1.2-1"},
		{"libpam0g", "1.5.2-6+deb12u1", "1.5.2-6+deb12u2"},
		{"libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("updates %v", got)
	}
	ssl := r.Updates[3]
	if !reflect.DeepEqual(ssl.VulnerabilityIDs, []string{"CVE-2023-6129", "CVE-2024-0727"}) ||
		ssl.Type != "deb" || ssl.PkgClass != "os-pkgs" || !ssl.Handled ||
		!strings.HasPrefix(ssl.Purl, "pkg:deb/debian/libssl3@") {
		t.Fatalf("libssl3: %+v", ssl)
	}
	if len(r.LangPackages) != 2 || r.LangPackages[1].FixedVersion != "1.21.8, 1.22.1" || r.LangPackages[0].Handled {
		t.Fatalf("lang: %+v", r.LangPackages)
	}
	if len(r.Unfixed) != 4 || r.Unfixed[1].Name != "gcc-12-base" || r.Unfixed[1].Status != "will_not_fix" {
		t.Fatalf("unfixed: %+v", r.Unfixed)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "libblkid1") {
		t.Fatalf("warnings: %v", r.Warnings)
	}
	var doc struct {
		APIVersion string                   `json:"apiVersion"`
		OSUpdates  []map[string]interface{} `json:"osupdates"`
	}
	if err := json.Unmarshal([]byte(r.JSON), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(doc.APIVersion, "v1alpha2") || len(doc.OSUpdates) != 4 || doc.OSUpdates[0]["name"] != "bsdutils" {
		t.Fatalf("JSON: %s", r.JSON)
	}
}

func TestParseReportGrypeAndFormat(t *testing.T) {
	r, err := ParseReport(reportPath(t, "grype-debian.json"), &ReportOptions{Format: "grype"})
	if err != nil || r.Format != "grype" || r.Arch != "arm64" || len(r.Updates) != 3 {
		t.Fatalf("%+v %v", r, err)
	}
	_, err = ParseReport(reportPath(t, "grype-debian.json"), &ReportOptions{Format: "trivy"})
	copaError(t, err, ErrInvalid, "grype-debian.json")
	_, err = ParseReport(reportPath(t, "trivy-debian.json"), &ReportOptions{Format: "snyk"})
	copaError(t, err, ErrInvalid, "snyk")
}

func TestParseReportBytes(t *testing.T) {
	data, err := os.ReadFile(reportPath(t, "trivy-debian.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseReportBytes(data, "mem.json", nil)
	if err != nil || r.Updates[0].Name != "bsdutils" {
		t.Fatalf("%v", err)
	}
	_, err = ParseReportBytes([]byte("{"), "mem.json", nil)
	e := copaError(t, err, ErrInvalid, "mem.json")
	if !strings.HasPrefix(e.Message, "mem.json") {
		t.Fatal(e.Message)
	}
}

func TestParseReportErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	_, err := ParseReport(missing, nil)
	copaError(t, err, ErrNotFound, missing)
	_, err = ParseReport(reportPath(t, "malformed.json"), nil)
	copaError(t, err, ErrInvalid, "malformed.json: malformed JSON at byte 92")
	_, err = ParseReport(reportPath(t, "trivy-windows.json"), nil)
	copaError(t, err, ErrUnsupported, "'windows'")
	_, err = ParseReport(reportPath(t, "trivy-invalid-version.json"), nil)
	copaError(t, err, ErrInvalid, "libbroken")
	r, err := ParseReport(reportPath(t, "trivy-invalid-version.json"), &ReportOptions{IgnoreErrors: true})
	if err != nil || len(r.Warnings) == 0 || !strings.Contains(strings.Join(r.Warnings, "\n"), "skipped package 'libbroken'") {
		t.Fatalf("%v %v", r, err)
	}
}

func TestParseReportPlugins(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	_, err := ParseReport(reportPath(t, "trivy-debian.json"), &ReportOptions{Scanner: "nosuchscanner"})
	copaError(t, err, ErrNotFound, "copa-nosuchscanner")
	writeFile(t, filepath.Join(dir, "copa-slow"), "#!/bin/sh\nsleep 5\n")
	if err := os.Chmod(filepath.Join(dir, "copa-slow"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = ParseReport(reportPath(t, "trivy-debian.json"), &ReportOptions{Scanner: "slow", PluginTimeoutMs: 300})
	copaError(t, err, ErrTimeout, "")
}
