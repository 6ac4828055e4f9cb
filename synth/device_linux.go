//go:build linux

package synth

import "golang.org/x/sys/unix"

// sameMount says whether two existing paths are on one mount, where a
// folder can be renamed from one to the other: the same device is not
// enough (two bind mounts of one disk refuse a rename between them).
func sameMount(a, b string) bool {
	var sa, sb unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, a, 0, unix.STATX_MNT_ID, &sa) != nil ||
		unix.Statx(unix.AT_FDCWD, b, 0, unix.STATX_MNT_ID, &sb) != nil {
		return false
	}
	return sa.Mask&unix.STATX_MNT_ID != 0 && sb.Mask&unix.STATX_MNT_ID != 0 && sa.Mnt_id == sb.Mnt_id
}
