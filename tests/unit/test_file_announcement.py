"""The note that tells the model about a person's table names its columns as pandas reads them."""

from oci_desktop.engine.agent.prompts import announce_files


def note(tmp_path, name, data: bytes):
    (tmp_path / name).write_bytes(data)
    return announce_files("How windy was it?", [name], tmp_path)


def test_names_with_spaces_at_their_ends_are_given_with_the_spaces(tmp_path):
    # DABench's baro_2015.csv: "WINDSPEED" announced, " WINDSPEED" in the frame, KeyError every round.
    told = note(tmp_path, "baro.csv", b"DATE TIME, WINDSPEED, DIR\n2015-01-01 00:00, 2.72, 288\n")
    assert "(columns, spaces included: ['DATE TIME', ' WINDSPEED', ' DIR'])" in told


def test_plain_names_keep_the_plain_list(tmp_path):
    assert "(columns: month, units_sold, revenue)" in note(tmp_path, "s.csv", b"month,units_sold,revenue\nJan,3,4\n")


def test_old_mac_line_ends_and_a_byte_order_mark_still_give_the_names(tmp_path):
    # gapminder_cleaned.csv: a BOM and lines ended by CR alone; the note had said nothing of its columns.
    told = note(tmp_path, "g.csv", b"\xef\xbb\xbfyear,pop,lifeexp\r1952,8425333,28.801\r1957,9240934,30.332\r")
    assert "(columns: year, pop, lifeexp)" in told


def test_a_stored_request_comes_apart_into_the_persons_words_and_the_files_named():
    from oci_desktop.engine.agent.prompts import announced_apart

    told = announce_files("Compare them.", ["data].csv", "b.txt"])
    assert announced_apart(told) == ("Compare them.", ["data].csv", "b.txt"])
    quoted = announce_files("Why did you get this?\n\n[Files uploaded to the working directory:\n- old.csv]\n\nnow",
                            ["new.csv"])
    words, files = announced_apart(quoted)
    assert files == ["new.csv"] and words.endswith("- old.csv]\n\nnow")
    assert announced_apart("No files here.") == ("No files here.", [])
