"""Course bundles: exact round trips, and every kind of bad input named by file and line."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.courses.bundle import (
    Bilingual,
    BundleInvalid,
    course_files,
    read_course_dir,
    read_course_zip,
    write_course_dir,
    write_course_zip,
)
from lms.courses.bundle_assets import asset_problem
from tests.courses.helpers import COURSE_YAML, PNG_BYTES, line_of, make_zip, valid_course_files


@pytest.fixture
def files() -> dict[str, bytes]:
    return valid_course_files()


def read_tree(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def write_tree(root, files: dict[str, bytes]):
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def errors_of(files: dict[str, bytes]) -> list:
    with pytest.raises(BundleInvalid) as caught:
        read_course_zip(make_zip(files))
    return caught.value.errors


def with_yaml(files: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    text = COURSE_YAML.replace(old, new, 1)
    assert text != COURSE_YAML, old
    return {**files, "course.yaml": text.encode()}


# --- reading a valid bundle -------------------------------------------------------------------


def test_reads_the_course_structure(tmp_path, files):
    course = read_course_dir(write_tree(tmp_path / "c", files))
    assert course.slug == "callback-basics"
    assert course.title == Bilingual("回访基础", "Callback basics")
    assert course.planned_hours == 1.5
    assert course.completion.exam_passed and not course.completion.drill_scored
    assert [a.ref for a in course.activities] == ["exam:callback-basics-final"]
    assert [lesson.slug for lesson in course.lessons] == ["when-to-call", "what-to-ask"]
    first, second = course.lessons
    assert first.checklist.en == ("Call back within 24 h",)
    assert first.case_study.en == "## Case\n\nA customer...\r\nwith CRLF\r\n"
    assert second.case_study is None and second.video_url.startswith("https://")
    assert [asset.name for asset in course.assets] == ["flow.png"]


def test_zip_with_files_at_top_level_or_in_one_folder_reads_the_same(files):
    assert read_course_zip(make_zip(files, folder=None)) == read_course_zip(make_zip(files))


def test_os_litter_in_a_zip_is_ignored(files):
    zipped = make_zip({**files, ".DS_Store": b"\x00", "__MACOSX/x": b"\x00"})
    assert read_course_zip(zipped) == read_course_zip(make_zip(files))


# --- round trips -----------------------------------------------------------------------------


def test_dir_round_trip_is_exact(tmp_path, files):
    course = read_course_dir(write_tree(tmp_path / "source", files))
    written = write_course_dir(course, tmp_path / "first")
    again = read_course_dir(written)
    assert again == course
    write_course_dir(again, tmp_path / "second")
    assert read_tree(tmp_path / "second") == read_tree(tmp_path / "first")
    # Markdown is copied byte for byte, even with CRLF line ends.
    assert read_tree(written)["lessons/when-to-call.case.en.md"].endswith(b"CRLF\r\n")


def test_zip_round_trip_is_exact_and_deterministic(files):
    course = read_course_zip(make_zip(files))
    zipped = write_course_zip(course)
    assert read_course_zip(zipped) == course
    assert write_course_zip(read_course_zip(zipped)) == zipped
    names = zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    assert names == sorted(names) and all(n.startswith("callback-basics/") for n in names)


def test_writing_refuses_a_non_empty_folder_and_leaves_it_alone(tmp_path, files):
    course = read_course_zip(make_zip(files))
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_course_dir(course, target)
    assert read_tree(target) == {"notes.txt": b"keep me"}


def test_writing_an_invalid_bundle_fails_before_any_file_is_written(tmp_path, files):
    course = read_course_zip(make_zip(files))
    broken = replace(course, curriculum="cooking")
    with pytest.raises(BundleInvalid, match="cooking"):
        write_course_dir(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()


_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() and "assets/" not in s)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title_zh=_texts, title_en=_texts, body=_texts, hours=st.integers(0, 400))
def test_any_texts_and_hours_survive_a_zip_round_trip(title_zh, title_en, body, hours):
    course = read_course_zip(make_zip(valid_course_files()))
    lesson = replace(
        course.modules[0].lessons[1],
        title=Bilingual(title_zh, title_en),
        body=Bilingual(body, body + "\n"),
    )
    module = replace(course.modules[0], lessons=(course.modules[0].lessons[0], lesson))
    changed = replace(course, modules=(module,), planned_hours=hours / 4)
    zipped = write_course_zip(changed)
    assert read_course_zip(zipped) == changed
    assert write_course_zip(read_course_zip(zipped)) == zipped


# --- bad input: each names the file and the line, and nothing is returned ----------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "fragment"),
    [
        (
            "curriculum: service_standards",
            "curriculum: cooking",
            "curriculum:",
            "allowed: service_standards, technical_skills",
        ),
        (
            "delivery_mode: online\nplanned_hours",
            "delivery_mode: classroom\nplanned_hours",
            "delivery_mode: classroom",
            "allowed: online, offline_practice",
        ),
        ("planned_hours: 0.5", "planned_hours: -0.5", "planned_hours: -0.5", "negative"),
        ("kind: exam", "kind: quiz", "kind: quiz", "allowed: exam, roleplay, emergency_drill"),
        ("ref: exam:callback-basics-final", "ref: drill:x", "ref: drill:x", "exam:<key>"),
        ("planned_minutes: 45", "planned_minutes: ten", "planned_minutes: ten", "minutes"),
        ("slug: timing", "slug: Timing Module", "slug: Timing Module", "not a slug"),
        ("slug: what-to-ask", "slug: What to ask", "slug: What to ask", "not a slug"),
        ("case_study: true", "case_study: yes please", "case_study:", "true or false"),
        ("video_url: https://video", "video_url: javascript://video", "video_url:", "https://"),
        (
            "  en: Callback basics\n",
            "  en: Callback basics\n  fr: Rappels\n",
            "fr: Rappels",
            "allowed: zh, en",
        ),
        ("      zh: 时限", "      zh: 时限\n      zh: 又一个", "zh: 又一个", "duplicate key"),
    ],
)
def test_bad_course_yaml_names_file_line_and_allowed_values(files, old, new, needle, fragment):
    broken = with_yaml(files, old, new)
    errors = errors_of(broken)
    text = broken["course.yaml"].decode()
    assert [(e.file, e.line) for e in errors] == [("course.yaml", line_of(text, needle))]
    assert fragment in errors[0].message("en")


def test_duplicate_lesson_slug_points_at_the_second_one(files):
    broken = with_yaml(files, "slug: what-to-ask", "slug: when-to-call")
    errors = errors_of(broken)
    text = broken["course.yaml"].decode()
    duplicate = [e for e in errors if "duplicate lesson slug" in e.message("en")]
    assert [e.line for e in duplicate] == [line_of(text, "slug: when-to-call", occurrence=2)]


def test_missing_lesson_file_names_the_file_and_the_lesson_line(files):
    del files["lessons/what-to-ask.en.md"]
    errors = errors_of(files)
    assert len(errors) == 1
    assert errors[0].file == "course.yaml"
    assert errors[0].line == line_of(COURSE_YAML, "slug: what-to-ask")
    assert "lessons/what-to-ask.en.md is missing" in errors[0].message("en")


def test_all_errors_are_reported_together(files):
    broken = with_yaml(files, "curriculum: service_standards", "curriculum: cooking")
    broken = {**broken, "lessons/what-to-ask.zh.md": b"\xff\xfe not utf-8"}
    del broken["lessons/when-to-call.case.zh.md"]
    messages = [str(e) for e in errors_of(broken)]
    assert len(messages) == 3, messages


def test_yaml_syntax_error_names_the_line(files):
    broken = with_yaml(files, "  en: Callback basics", "  en: [Callback basics")
    (error,) = errors_of(broken)
    assert error.file == "course.yaml" and error.line is not None
    assert "not valid YAML" in error.message("en")


def test_deep_nesting_and_alias_bombs_in_course_yaml_name_the_line(files):
    deep = with_yaml(files, "  en: Callback basics", "  en: " + "[" * 60 + "]" * 60)
    (error,) = errors_of(deep)
    assert (error.file, error.line, error.code) == ("course.yaml", 5, "yaml.too_deep")
    assert "deeper than 50 levels" in error.message("en")
    assert "嵌套超过 50 层" in error.message("zh")
    laughs = "".join(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n"
                     for n in range(1, 6))
    bomb = {**files, "course.yaml": ("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                                     + laughs).encode()}
    (error,) = errors_of(bomb)
    assert (error.line, error.code) == (5, "yaml.alias_expansion")


def test_a_character_yaml_refuses_names_the_line(files):
    broken = with_yaml(files, "  en: Callback basics", "  en: Callback\x00basics")
    (error,) = errors_of(broken)
    assert (error.file, error.line, error.code) == ("course.yaml", 5, "yaml.invalid")
    assert "#x0000" in error.message("en")


def test_non_utf8_markdown_names_file_and_line(files):
    files["lessons/what-to-ask.en.md"] = "# What\n\nline two\ncaf\u00e9\n".encode("latin-1")
    (error,) = errors_of(files)
    assert (error.file, error.line) == ("lessons/what-to-ask.en.md", 4)
    assert "UTF-8" in error.message("en")


def test_asset_referenced_but_missing_names_markdown_file_and_line(files):
    del files["assets/flow.png"]
    errors = errors_of(files)
    assert {(e.file, e.line) for e in errors} == {
        ("lessons/when-to-call.zh.md", 5),
        ("lessons/when-to-call.en.md", 5),
    }
    assert all("assets/flow.png" in e.message("en") for e in errors)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("assets/setup.exe", b"MZ\x90\x00", "'.exe' is not allowed (allowed: png, jpg"),
        ("assets/fake.png", b"MZ\x90\x00", "not a PNG"),
        ("assets/huge.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "at most 5 MB"),
        ("assets/sub/deep.png", PNG_BYTES, "plain file name"),
    ],
)
def test_disallowed_assets_are_refused(files, name, data, fragment):
    (error,) = errors_of({**files, name: data})
    assert error.file == name and fragment in error.message("en")


def test_stray_files_are_refused_so_nothing_is_silently_dropped(files):
    errors = errors_of({**files, "notes.txt": b"x", "lessons/old.en.md": b"x"})
    assert sorted(e.file for e in errors) == ["lessons/old.en.md", "notes.txt"]


def test_completion_rule_needs_the_activity_it_relies_on(files):
    broken = with_yaml(files, "drill_scored: false", "drill_scored: true")
    (error,) = errors_of(broken)
    assert error.line == line_of(COURSE_YAML, "drill_scored")
    assert "roleplay" in error.message("en")


def test_zip_path_traversal_is_refused_and_nothing_imported(files):
    zipped = make_zip({**files, "../../etc/evil.md": b"x"})
    with pytest.raises(BundleInvalid) as caught:
        read_course_zip(zipped)
    (error,) = caught.value.errors
    assert error.file == "callback-basics/../../etc/evil.md"
    assert "leaves the course folder" in error.message("en")


def test_absolute_zip_path_is_refused(files):
    buffer = io.BytesIO(make_zip(files))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(zipfile.ZipInfo("/tmp/evil.md"), b"x")
    with pytest.raises(BundleInvalid, match="leaves the course folder"):
        read_course_zip(buffer.getvalue())


def test_zip_bomb_is_refused_before_inflating(files):
    buffer = io.BytesIO(make_zip(files))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("callback-basics/assets/zeros.pdf", b"\0" * (65 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(BundleInvalid, match="zip bomb"):
        read_course_zip(buffer.getvalue())


def test_garbage_instead_of_a_zip_is_a_clear_error():
    with pytest.raises(BundleInvalid, match="not a readable zip"):
        read_course_zip(b"this is not a zip")


def test_symlink_in_a_course_folder_is_refused(tmp_path, files):
    root = write_tree(tmp_path / "c", files)
    (root / "assets" / "passwd.png").symlink_to("/etc/passwd")
    with pytest.raises(BundleInvalid, match="symbolic link"):
        read_course_dir(root)


def test_exporting_shows_the_canonical_yaml(files):
    course = read_course_zip(make_zip(files))
    text = course_files(course)["course.yaml"].decode()
    assert text.startswith("slug: callback-basics\ncurriculum: service_standards\ntitle:\n")
    assert "zh: 回访基础" in text  # unicode kept readable, not \u escapes
    assert "planned_hours: 1.5" in text and "planned_hours: 0.5" in text


def test_single_upload_check_matches_the_bundle_rules():
    assert asset_problem("photo.png", PNG_BYTES) is None
    assert "not allowed" in asset_problem("script.svg", b"<svg/>").message("en")
    big = asset_problem("big.png", PNG_BYTES + b"0" * 5 * 1024 * 1024)
    assert "at most 5 MB" in big.message("en") and "附件最大 5 MB" in big.message("zh")


def test_every_bundle_message_exists_in_both_languages_with_the_same_placeholders():
    import string

    from lms.courses.bundle_messages import messages

    def fields(template):
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    for code, texts in messages().items():
        assert set(texts) == {"zh", "en"}, code
        assert fields(texts["zh"]) == fields(texts["en"]), code


def test_errors_render_in_chinese_and_english_keeping_file_and_line(files):
    broken = with_yaml(files, "  en: Callback basics\n", "  en: Callback basics\n  fr: Rappels\n")
    (error,) = errors_of(broken)
    assert error.message("zh") == "'title' 中有未知的键“fr”（允许：zh, en）"
    assert error.message("en") == "unknown key 'fr' in 'title' (allowed: zh, en)"
    assert error.text("zh").startswith(f"course.yaml:{error.line}: ")
    top = errors_of(with_yaml(files, "slug: callback-basics\n", "slog: callback-basics\n"))
    assert "文档顶层 缺少键“slug”" in [e.message("zh") for e in top]
