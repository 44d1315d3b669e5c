"""The users file as `add-user` writes it: a real process, a real file, read back by the app's loader."""
import stat
import subprocess
import sys
import tomllib

import pytest

from assistant.users import MIN_PASSWORD_LENGTH, UserError, Users, add_user


def add(path, name, password, role="reader"):
    return subprocess.run([sys.executable, "-m", "assistant", "add-user", name, "--role", role, "--users", str(path),
                           "--password-stdin", "--store", str(path.parent / "store")], input=password + "\n",
                          capture_output=True, text=True, timeout=60)


def test_add_user_refuses_short_passwords_and_ones_holding_the_name(tmp_path):
    path = tmp_path / "users.toml"
    short = add(path, "lan", "a")
    assert short.returncode == 2 and f"at least {MIN_PASSWORD_LENGTH} characters" in short.stderr
    assert not path.exists()
    named = add(path, "lan", "Lan-2024-mat-khau")
    assert named.returncode == 2 and "must not contain the user name" in named.stderr
    assert add(path, "lan", "lan").returncode == 2
    ok = add(path, "lan", "trang-bac-ha-ngan", role="admin")
    assert ok.returncode == 0, ok.stderr
    before = path.read_bytes()
    assert add(path, "minh", "minh-minh-minh").returncode == 2 and path.read_bytes() == before


@pytest.mark.parametrize("name", ['Lan "admin"', "ng\\uyen", "a]b.c=d", "Nguyễn Văn Lan", "#lan", "'lan'"])
def test_any_name_gives_a_users_file_that_reads_back(tmp_path, name):
    path = tmp_path / "users.toml"
    result = add(path, name, "song-hong-chay-qua")
    assert result.returncode == 0, result.stderr
    assert set(tomllib.loads(path.read_text(encoding="utf-8"))["users"]) == {name}
    add_user(path, "minh", "reader", "reader-pass-2")
    users = Users.load(path)
    assert users.check(name, "song-hong-chay-qua") and users.check("minh", "reader-pass-2")
    assert not users.check(name, "reader-pass-2")


def test_names_the_login_could_never_match_are_refused(tmp_path):
    for name in ["", " lan", "lan ", "lan\nrole = 'admin'", "lan\x00", "x" * 65]:
        with pytest.raises(UserError):
            add_user(tmp_path / "users.toml", name, "reader", "song-hong-chay-qua")
    assert not (tmp_path / "users.toml").exists()


def test_the_users_file_is_private_and_replaced_whole(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text("", encoding="utf-8")
    path.chmod(0o644)  # a file made by hand, readable by all
    add_user(path, "lan", "admin", "trang-bac-ha-ngan")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["users.toml"]  # no temp file left beside it
    assert "trang-bac-ha-ngan" not in path.read_text(encoding="utf-8")
