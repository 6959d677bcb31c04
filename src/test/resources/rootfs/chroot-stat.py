# Kernel oracle for PathResolverPropertyTest (run as root): reads lines "ROOT<TAB>PATH",
# stats PATH inside chroot(ROOT) in a forked child and answers "ok DEV INO" or the errno name.
import errno
import os
import sys

for line in sys.stdin:
    root, path = line.rstrip("\n").split("\t", 1)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.chroot(root)
            os.chdir("/")
            st = os.stat(path)
            answer = "ok %d %d" % (st.st_dev, st.st_ino)
        except OSError as e:
            answer = errno.errorcode.get(e.errno, str(e.errno))
        os.write(w, answer.encode())
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    sys.stdout.write(b"".join(chunks).decode() + "\n")
    sys.stdout.flush()
