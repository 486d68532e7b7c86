"""The process boundary: student code runs here, and only here.

- `pool`: the trusted side: starts workers from a fork server (or with `spawn` where there is
  none), sends them probes, reads their replies within limits, stops them and whatever they left behind;
- `submission`: what of a student's folder is graded: a fresh copy of its regular source files
  (no link followed, no bytecode), and the hash of exactly those files (a class run's key);
- `serve`: the worker's side: imports a topic file (from source only), runs the probes it is sent, replies;
- `preload`: what the fork server imports once, so that every worker starts warm;
- `spawned`: a worker started by `spawn`, where there is no fork server (Windows);
- `sandbox`: how a worker confines itself (Landlock, seccomp, rlimits, a private /tmp);
- `replies`: the plain-data format of a reply (JSON and raw tensor bytes), decoded within a budget;
- `huge_pages`: moves the fork server's memory into huge pages, so that its forks are cheap.

Imports `grader.course` and `grader.checks` only.
"""
