// Package scratch is compiled by gendagger's tests through an overlay; its contents
// are replaced per test case, so this file only anchors the package directory.
package scratch
