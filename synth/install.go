package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// The install of a finished synth into the output folder is all or
// nothing. The output folder cannot be swapped as a whole (the stacks'
// folders hold Terraform's working files and sometimes state, which stay),
// so the files are moved in one by one under a journal kept in the staging
// folder:
//
//  1. plan: every file the synth wrote and every file of the previous
//     synth it did not write again; the previous version of each is hard
//     linked into the staging folder's backup (nothing in the output
//     folder changes yet);
//  2. the journal is written (atomically: a temp file, fsync, rename);
//  3. missing folders are made, the previous synth's files that this one
//     did not write are moved into the backup, the new files are moved in
//     (each rename atomic), manifest.json last; a folder that the output
//     folder does not have yet (a new stack's, or stacks/ of a first
//     synth) is moved in whole, one rename for all its files, where the
//     staging folder is on the same mount (Linux's statx says; elsewhere
//     files move one by one); undoing it removes the files it brought and
//     its folders when empty, so what was put in them since stays;
//  4. the journal is marked committed (atomically): from here the new
//     output is the output;
//  5. the staging folder, backup included, is removed.
//
// When a step of 3 fails, the files moved so far are moved back at once.
// When the program dies during 3 (SIGKILL, a power cut), the next synth
// into the folder finds the journal first (recoverInstalls) and moves them
// back before it does anything else; after 4 it finishes the cleanup. So
// the output folder is always the previous synth or the new one once a
// synth has run, and never one that a later synth refuses.

// rename moves a file or the journal during an install (a variable for
// the tests, which make it fail or kill the process at every step).
var rename = moveFile

// moveTemp is the temp file moveFile copies into beside to; a rollback or
// a finished install removes one that a killed run left.
func moveTemp(to string) string {
	return filepath.Join(filepath.Dir(to), "."+filepath.Base(to)+".cdktf-kms-tmp")
}

// moveFile renames a file; where the two places are on different mounts
// (a stack's folder that is a mount or a link of its own) it copies the
// file into a temp file beside the target, renames that into place and
// removes the source, so that the target still changes atomically.
func moveFile(from, to string) error {
	err := os.Rename(from, to)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	fi, serr := os.Stat(from)
	if serr != nil {
		return serr
	}
	if fi.IsDir() {
		return err // a folder is moved only within a mount (sameMount)
	}
	tmp := moveTemp(to)
	os.Remove(tmp)
	if err := copyFile(from, tmp, fi.Mode().Perm()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, to); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Remove(from)
}

// committed runs after the journal is marked committed (a variable for the
// tests, which kill the process there).
var committed = func() {}

// journalName and backupName are the journal and the backup in a staging
// folder (cdktf writes neither name).
const (
	journalName = ".journal.json"
	backupName  = ".backup"
)

// journal records an install, so that it can be undone or finished by
// another process.
type journal struct {
	// Outdir is the output folder (absolute, symbolic links resolved).
	Outdir string `json:"outdir"`
	// Committed: every file is in place; the new output is the output.
	Committed bool `json:"committed"`
	// Dirs are the folders the install makes, parents first ("." is the
	// output folder itself).
	Dirs []string `json:"dirs"`
	// MovedDirs are folders the output folder did not have, moved in whole
	// from the staging folder (after Dirs, before Files), and MovedContents
	// what they held, parents first, folders with a trailing slash: a
	// rollback removes exactly these, and a folder only when it is empty,
	// so that what was put in it since (terraform init, a state) stays.
	MovedDirs     []string `json:"moved_dirs,omitempty"`
	MovedContents []string `json:"moved_contents,omitempty"`
	// Files are the files moved in, relative to Outdir, manifest.json last;
	// Old says a previous version is in the backup.
	Files []journalFile `json:"files"`
	// Removed are files of the previous synth that this one did not write:
	// they are moved into the backup.
	Removed []string `json:"removed"`
	// RemovedStacks are the folders of stacks no longer synthesized,
	// removed after the commit when they are empty.
	RemovedStacks []string `json:"removed_stacks"`
}

type journalFile struct {
	Rel string `json:"rel"`
	Old bool   `json:"old"`
}

// InstallError is a failed install. Restored says the output folder is
// again what it was; otherwise the next synth into it restores it (the
// journal stays in the staging folder beside it).
type InstallError struct {
	Outdir   string
	Err      error
	Restored bool
	// RestoreErr is why the restore failed.
	RestoreErr error
}

func (e *InstallError) Error() string {
	if e.Restored {
		return fmt.Sprintf("moving the new files into %s failed: %v; every file moved so far was put back, so %s is as it was. %s", e.Outdir, e.Err, e.Outdir, installAdvice(e.Err))
	}
	return fmt.Sprintf("moving the new files into %s failed: %v, and putting back the files moved so far failed too: %v. The next synth into %s puts them back first (a journal beside it says what was moved). %s", e.Outdir, e.Err, e.RestoreErr, e.Outdir, installAdvice(e.Err))
}

func (e *InstallError) Unwrap() error { return e.Err }

// installAdvice says what to do about the error of a move.
func installAdvice(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "Make the output folder and its stacks' folders writable, then synthesize again."
	case errors.Is(err, syscall.ENOSPC):
		return "Free some space on its file system, then synthesize again."
	}
	return "Fix the cause, then synthesize again."
}

// install moves a finished synth from staging into dir (see above). On
// error it returns an *InstallError; keep says the staging folder holds a
// journal that the next synth needs, so it must not be removed.
func install(staging, dir string, prev previousOutput, next Manifest) (keep bool, err error) {
	j, err := planInstall(staging, dir, prev, next)
	if err != nil {
		return false, &InstallError{Outdir: dir, Err: err, Restored: true}
	}
	if err := j.write(staging); err != nil {
		return false, &InstallError{Outdir: dir, Err: err, Restored: true}
	}
	err = j.apply(staging)
	if err == nil {
		j.Committed = true
		err = j.write(staging)
	}
	if err != nil {
		if rerr := j.rollback(staging); rerr != nil {
			return true, &InstallError{Outdir: dir, Err: err, RestoreErr: rerr}
		}
		return false, &InstallError{Outdir: dir, Err: err, Restored: true}
	}
	committed()
	j.finish()
	return false, nil
}

// planInstall lists what the install moves and links the previous version
// of each file it replaces into the backup. It changes nothing in dir.
func planInstall(staging, dir string, prev previousOutput, next Manifest) (*journal, error) {
	j := &journal{Outdir: dir}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		j.Dirs = append(j.Dirs, ".")
	}
	var files []string
	err := filepath.WalkDir(staging, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(staging, p)
		switch {
		case err != nil:
			return err
		case rel == ".", rel == manifestFile, rel == stagingMarker, rel == journalName:
			return nil
		case rel == backupName:
			return filepath.SkipDir
		case len(j.MovedDirs) > 0 && strings.HasPrefix(rel, j.MovedDirs[len(j.MovedDirs)-1]+string(filepath.Separator)):
			// Inside the folder moved in last (the walk gives a folder's
			// contents right after it): recorded for a rollback only.
			if d.IsDir() {
				rel += "/"
			}
			j.MovedContents = append(j.MovedContents, rel)
			return nil
		case d.IsDir():
			if fi, err := os.Lstat(filepath.Join(dir, rel)); errors.Is(err, fs.ErrNotExist) {
				if sameMount(staging, existingAncestor(filepath.Join(dir, rel))) {
					// A new folder holds no previous file: moved in whole.
					j.MovedDirs = append(j.MovedDirs, rel)
					return nil
				}
				j.Dirs = append(j.Dirs, rel)
			} else if err != nil {
				return err
			} else if !fi.IsDir() {
				return fmt.Errorf("%s is not a folder, and the synth writes a folder there", filepath.Join(dir, rel))
			}
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	files = append(files, manifestFile)
	written := map[string]bool{}
	for _, rel := range files {
		written[rel] = true
		old, err := j.backUp(staging, rel)
		if err != nil {
			return nil, err
		}
		j.Files = append(j.Files, journalFile{Rel: rel, Old: old})
	}
	for _, name := range sortedStacks(prev.manifest) {
		for _, rel := range prev.manifest.Stacks[name].written() {
			if written[rel] {
				continue
			}
			if _, err := os.Lstat(filepath.Join(dir, rel)); errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, err
			}
			j.Removed = append(j.Removed, rel)
		}
		if _, kept := next.Stacks[name]; !kept {
			j.RemovedStacks = append(j.RemovedStacks, filepath.Join(stacksFolder, name))
		}
	}
	return j, nil
}

// backUp links the file rel of the output folder into the backup (a copy
// where the file system has no hard links) and says whether there was one.
// A folder or a link where the synth writes a file is refused.
func (j *journal) backUp(staging, rel string) (bool, error) {
	target := filepath.Join(j.Outdir, rel)
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, fmt.Errorf("%s is not a regular file (%s), and the synth writes a file there; move it away", target, fi.Mode().Type())
	}
	backup := filepath.Join(staging, backupName, rel)
	if err := os.MkdirAll(filepath.Dir(backup), 0o755); err != nil {
		return false, err
	}
	if err := os.Link(target, backup); err != nil {
		if err := copyFile(target, backup, fi.Mode().Perm()); err != nil {
			return false, err
		}
	}
	return true, nil
}

// write saves the journal in the staging folder atomically: a reader sees
// the previous journal or this one, never part of one.
func (j *journal) write(staging string) error {
	raw, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := filepath.Join(staging, journalName+".tmp")
	if err := writeSynced(tmp, raw); err != nil {
		return err
	}
	if err := rename(tmp, filepath.Join(staging, journalName)); err != nil {
		return err
	}
	return syncDir(staging)
}

// apply makes the folders and moves the files (step 3).
func (j *journal) apply(staging string) error {
	for _, rel := range j.Dirs {
		if err := os.Mkdir(filepath.Join(j.Outdir, rel), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	for _, rel := range j.Removed {
		backup := filepath.Join(staging, backupName, rel)
		if err := os.MkdirAll(filepath.Dir(backup), 0o755); err != nil {
			return err
		}
		if err := rename(filepath.Join(j.Outdir, rel), backup); err != nil {
			return err
		}
	}
	for _, rel := range j.MovedDirs {
		if err := rename(filepath.Join(staging, rel), filepath.Join(j.Outdir, rel)); err != nil {
			return err
		}
	}
	for _, f := range j.Files {
		if err := rename(filepath.Join(staging, f.Rel), filepath.Join(j.Outdir, f.Rel)); err != nil {
			return err
		}
	}
	return nil
}

// movedRoot returns the folder of roots that rel is in ("" for none).
func movedRoot(roots []string, rel string) string {
	for _, r := range roots {
		if strings.HasPrefix(rel, r+string(filepath.Separator)) {
			return r
		}
	}
	return ""
}

// existingAncestor returns p or its nearest ancestor that exists.
func existingAncestor(p string) string {
	for {
		if _, err := os.Lstat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

// rollback puts the output folder back as it was before apply, from any
// point of apply (it may run again after it was interrupted). It returns
// the first error and goes on with the other files.
func (j *journal) rollback(staging string) error {
	var first error
	note := func(err error) {
		if err != nil && !errors.Is(err, fs.ErrNotExist) && first == nil {
			first = err
		}
	}
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }
	for _, f := range slices.Backward(j.Files) {
		if exists(filepath.Join(staging, f.Rel)) {
			continue // not moved in: the previous version is still in place
		}
		target := filepath.Join(j.Outdir, f.Rel)
		backup := filepath.Join(staging, backupName, f.Rel)
		switch {
		case f.Old && exists(backup):
			note(moveFile(backup, target))
		case !f.Old:
			// Moved in, and there was none before.
			note(os.Remove(target))
		}
	}
	// A folder moved in whole: its files go, its folders when empty.
	moved := map[string]bool{}
	for _, rel := range j.MovedDirs {
		moved[rel] = !exists(filepath.Join(staging, rel))
	}
	for _, rel := range slices.Backward(j.MovedContents) {
		if !moved[movedRoot(j.MovedDirs, rel)] {
			continue // not moved in
		}
		if dir, ok := strings.CutSuffix(rel, "/"); ok {
			os.Remove(filepath.Join(j.Outdir, dir)) // only when empty
		} else {
			note(os.Remove(filepath.Join(j.Outdir, rel)))
		}
	}
	for _, rel := range slices.Backward(j.MovedDirs) {
		if moved[rel] {
			os.Remove(filepath.Join(j.Outdir, rel)) // only when empty
		}
	}
	for _, rel := range j.Removed {
		backup := filepath.Join(staging, backupName, rel)
		if exists(backup) {
			note(os.MkdirAll(filepath.Dir(filepath.Join(j.Outdir, rel)), 0o755))
			note(moveFile(backup, filepath.Join(j.Outdir, rel)))
		}
	}
	j.removeMoveTemps()
	for _, rel := range slices.Backward(j.Dirs) {
		os.Remove(filepath.Join(j.Outdir, rel)) // only when empty: anything else stays
	}
	return first
}

// removeMoveTemps removes the temp files of moves across mounts that a
// killed run left beside the files it moved.
func (j *journal) removeMoveTemps() {
	for _, f := range j.Files {
		os.Remove(moveTemp(filepath.Join(j.Outdir, f.Rel)))
	}
	for _, rel := range j.Removed {
		os.Remove(moveTemp(filepath.Join(j.Outdir, rel)))
	}
}

// finish removes the folders of stacks no longer synthesized when nothing
// is left in them (Terraform's files stay, and so does the folder).
func (j *journal) finish() {
	j.removeMoveTemps()
	for _, rel := range j.RemovedStacks {
		os.Remove(filepath.Join(j.Outdir, rel))
	}
}

// readJournal reads the journal of a staging folder; ok is false when it
// has none (the synth had not begun to install).
func readJournal(staging string) (j *journal, ok bool, err error) {
	raw, err := os.ReadFile(filepath.Join(staging, journalName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	j = &journal{}
	if err := json.Unmarshal(raw, j); err != nil {
		return nil, false, fmt.Errorf("%s: %v", filepath.Join(staging, journalName), err)
	}
	for _, rel := range slices.Concat(j.Dirs, j.MovedDirs, j.MovedContents, j.Removed, j.RemovedStacks) {
		if rel = strings.TrimSuffix(rel, "/"); !localPath(rel) {
			return nil, false, fmt.Errorf("%s names %q, outside the output folder", filepath.Join(staging, journalName), rel)
		}
	}
	for _, f := range j.Files {
		if !localPath(f.Rel) {
			return nil, false, fmt.Errorf("%s names %q, outside the output folder", filepath.Join(staging, journalName), f.Rel)
		}
	}
	return j, true, nil
}

// localPath says whether rel stays inside the folder it is relative to.
func localPath(rel string) bool { return rel == "." || filepath.IsLocal(rel) }

// Recovered is what recoverInstalls did with installs an earlier synth
// left unfinished.
type Recovered struct {
	// Restored: an interrupted install was undone; the output folder is
	// the synth before it.
	Restored bool
	// Finished: a committed install's cleanup was finished.
	Finished bool
}

// recoverInstalls undoes or finishes what earlier synths into dir left in
// the staging folders beside it (parent holds them; the caller holds the
// lock), then removes those folders: ones without a journal were
// interrupted before they moved anything. A folder whose journal is for
// another output folder is left alone. An error means an install could
// not be undone: the folder is kept for another try.
func recoverInstalls(parent, dir string) (Recovered, error) {
	var done Recovered
	entries, err := os.ReadDir(parent)
	if err != nil {
		return done, nil
	}
	prefix := stagingPrefix(dir)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		staging := filepath.Join(parent, e.Name())
		if _, err := os.Stat(filepath.Join(staging, stagingMarker)); err != nil {
			continue // not a staging folder of ours
		}
		j, ok, err := readJournal(staging)
		if err != nil {
			return done, fmt.Errorf("an earlier synth into %s was interrupted while it moved files in, and its journal cannot be read (%v); restore the output folder from version control or synthesize into a new one, then remove %s", dir, err, staging)
		}
		if ok {
			if filepath.Clean(j.Outdir) != filepath.Clean(dir) {
				continue
			}
			if j.Committed {
				j.finish()
				done.Finished = true
			} else {
				if err := j.rollback(staging); err != nil {
					return done, fmt.Errorf("an earlier synth into %s was interrupted while it moved files in, and putting back the files it moved failed: %v; fix the cause and synthesize again (the journal in %s says what was moved)", dir, err, staging)
				}
				done.Restored = true
			}
		}
		os.RemoveAll(staging)
	}
	return done, nil
}

// sortedStacks returns the stack names of a manifest in order.
func sortedStacks(m Manifest) []string {
	names := make([]string, 0, len(m.Stacks))
	for name := range m.Stacks {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// writeSynced writes a file and flushes it to disk.
func writeSynced(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a folder's entries (a rename in it) to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// copyFile copies a regular file (for a backup where hard links fail).
func copyFile(from, to string, perm fs.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
