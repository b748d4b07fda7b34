"""Progress of generate and train-seq2seq: a bar on a terminal only, elsewhere a line now and then."""

import io
import json

from lastfix.model_training.progress_output import ProgressOutput

from lastfix.cli import main


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_one_line_at_most_every_interval():
    stream, clock = _Stream(tty=False), _Clock()
    progress = ProgressOutput(200, "pair", "diffusion", every_s=30.0, stream=stream, clock=clock)
    for done in range(1, 101):
        clock.now = done * 1.0  # 100 updates over 100 s
        progress.update(done, chains=done * 7, pairs_s="1.0")
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines == [
        "diffusion: 30/200 pairs chains=210 pairs_s=1.0",
        "diffusion: 60/200 pairs chains=420 pairs_s=1.0",
        "diffusion: 90/200 pairs chains=630 pairs_s=1.0",
    ]
    assert "\r" not in stream.getvalue()


def test_figures_persist_between_updates_and_an_open_total_has_no_denominator():
    stream, clock = _Stream(tty=False), _Clock()
    progress = ProgressOutput(None, "step", "seq2seq", every_s=10.0, stream=stream, clock=clock)
    progress.update(50, loss="2.500")
    clock.now = 11.0
    progress.update(51)
    assert stream.getvalue() == "seq2seq: 51 steps loss=2.500\n"


def test_disabled_shows_nothing_and_a_terminal_gets_a_bar():
    quiet, clock = _Stream(tty=True), _Clock()
    progress = ProgressOutput(10, "pair", "rules", enabled=False, stream=quiet, clock=clock)
    clock.now = 1000.0
    progress.update(5)
    progress.close()
    assert quiet.getvalue() == ""
    tty = _Stream(tty=True)
    bar = ProgressOutput(10, "pair", "rules", stream=tty)
    bar.update(5, chains=9)
    bar.close()
    assert "rules:" in tty.getvalue() and "5/10" in tty.getvalue() and "\r" in tty.getvalue()


def test_generate_off_a_terminal_writes_no_bar(shared, tmp_path, capsys):
    out = tmp_path / "p.jsonl"
    argv = ["generate", "--lang", "excel", "--method", "rules", "--n", "20", "--max-documents", "200"]
    assert main([*argv, "--out", str(out)]) == 0
    err = capsys.readouterr().err  # pytest's captured stderr is not a terminal
    assert "\r" not in err and "it/s" not in err and "pair/s" not in err
    assert err.startswith("lastfix generate: 20 rules pairs")
    assert len(out.read_text().splitlines()) == 20
    assert json.loads(err.splitlines()[1])["pairs"] == 20
