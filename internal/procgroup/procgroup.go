// Package procgroup starts child processes (terraform, the emulator, the backend) in
// a process group of their own and ends them as a group, as far as each platform
// allows:
//
//   - Linux: own group, and the kernel kills the child when this process dies
//     (Pdeathsig), even by SIGKILL, so a killed deployctl or test leaves no emulator
//     behind. Terminate and Kill signal the whole group.
//   - macOS and the BSDs: own group, signalled as a whole; there is no death signal,
//     so a child outlives a parent that is killed outright (a normal exit or a
//     cancelled context still stops it).
//   - Windows: no process groups or signals to a child; Terminate, Kill and Interrupt
//     kill the process itself, and anything it started keeps running.
package procgroup
