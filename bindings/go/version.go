package copa

/*
#include "shim.h"
*/
import "C"

// VersionCompare compares two versions with the ordering of a package
// format: "deb" (dpkg), "rpm" (rpmvercmp) or "apk" (apk-tools). It returns
// -1, 0 or 1 when a is lower than, equal to or higher than b, and an
// ErrInvalid error for an unknown format or an invalid version string.
func VersionCompare(format, a, b string) (int, error) {
	cf, ca, cb := cstr(format), cstr(a), cstr(b)
	defer cfree(cf, ca, cb)
	var e C.copa_go_err
	var out C.int
	if C.copa_go_version_compare(&e, &out, cf, ca, cb) < 0 {
		return 0, takeError(&e)
	}
	return int(out), nil
}

// VersionValid checks a version string against a format's syntax: nil when
// valid, an ErrInvalid error saying why otherwise (also for an unknown format).
func VersionValid(format, v string) error {
	cf, cv := cstr(format), cstr(v)
	defer cfree(cf, cv)
	var e C.copa_go_err
	if C.copa_go_version_valid(&e, cf, cv) < 0 {
		return takeError(&e)
	}
	return nil
}
