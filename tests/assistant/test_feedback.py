"""Feedback and users: real SQLite and a real users file."""
from assistant.feedback import FeedbackStore
from assistant.users import Users, add_user


def test_votes_are_kept_with_question_answer_citations_and_filter(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    answer = {"question": "Sở Tài chính có trách nhiệm gì?", "answer": "Theo ... [1]",
              "citations": [{"n": 1, "document": "gia-lai.txt", "section": "V › 6", "page": 1}]}
    store.add(answer, liked=False, reason="thiếu Hải Dương", user="minh", plans=["gia-lai"])
    store.add(answer, liked=True)
    rows = FeedbackStore(tmp_path / "feedback.sqlite").rows()
    assert [r["vote"] for r in rows] == ["down", "up"]
    assert rows[0]["reason"] == "thiếu Hải Dương" and rows[0]["user"] == "minh" and "V › 6" in rows[0]["citations"]
    assert '"gia-lai"' in rows[0]["plans"] and rows[0]["at"]
    exported = store.to_csv()
    assert exported.splitlines()[0].startswith("id,at,user,vote") and "thiếu Hải Dương" in exported


def test_users_file_checks_passwords_and_roles(tmp_path):
    path = tmp_path / "users.toml"
    add_user(path, "lan", "admin", "s3cret-pass")
    add_user(path, "minh", "reader", "reader-pass")
    users = Users.load(path)
    assert users.required and users.check("lan", "s3cret-pass") and not users.check("lan", "wrong")
    assert not users.check("nobody", "s3cret-pass")
    assert users.is_admin("lan") and not users.is_admin("minh") and not users.is_admin(None)
    assert "s3cret-pass" not in path.read_text()
    assert Users.load(None).is_admin(None)  # no users file: one local user who manages the plans
