"""The ``shinmun_hf`` Python-Markdown extension on its own (issue 21): the engine's directives
in any Python-Markdown conversion, found by its entry point name."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from integrations_support import write_components

from shinmun_hf.errors import ShinmunError
from shinmun_hf.integrations.markdown_extension import ShinmunHfExtension

pytest.importorskip("shinmun_hf.typescript", reason="needs the TypeScript bundler")

WIDGET_SCRIPT = '<script type="module" src="/site/assets/shinmun-hf/hf-chat.js"></script>'


def convert(text: str, extension: ShinmunHfExtension) -> str:
    return markdown.Markdown(extensions=["fenced_code", "toc", extension]).convert(text)


def test_by_its_entry_point_name(tmp_path: Path) -> None:
    html = markdown.markdown("@@hf-chat[chat]\n", extensions=["shinmun_hf"])
    assert '<hf-chat id="chat"></hf-chat>' in html
    assert '<script type="module" src="/assets/shinmun-hf/hf-chat.js"></script>' in html


def test_components_are_bundled_and_linked_below_the_base_url(tmp_path: Path) -> None:
    write_components(tmp_path)
    extension = ShinmunHfExtension(project_dir=str(tmp_path), base_url="/site")
    html = convert("# Title\n\n@@typescript-file[hello](components/hello.tsx)\n", extension)
    assert '<div id="hello" data-shinmun-component="file:components/hello.tsx"></div>' in html
    src = re.search(r'<script type="module" src="/site/(assets/components/hello\.\w+\.js)">', html)
    assert src, html
    assert b"from a module" in extension.assets[src[1]]
    assert [ref.path for ref in extension.components] == ["components/hello.tsx"]


def test_the_widget_script_once_per_page_and_directives_in_fences_left_alone() -> None:
    extension = ShinmunHfExtension(base_url="/site/")
    text = "@@hf-chat[one]\n\n```\n@@hf-chat[shown]\n```\n\n<hf-chat></hf-chat>\n\n@@hf-chat[two]\n"
    html = convert(text, extension)
    assert html.count(WIDGET_SCRIPT) == 1
    assert "<code>@@hf-chat[shown]\n</code>" in html
    assert '<hf-chat id="two"></hf-chat>' in html
    assert "<p><hf-chat>" not in html  # a block of its own, not text in a paragraph
    assert extension.uses_widget


def test_a_raw_element_alone_brings_its_script() -> None:
    html = convert("Ask:\n\n<hf-chat></hf-chat>\n", ShinmunHfExtension(base_url="/site/"))
    assert WIDGET_SCRIPT in html


def test_errors_name_the_file_and_line(tmp_path: Path) -> None:
    extension = ShinmunHfExtension(project_dir=str(tmp_path))
    extension.source, extension.line_offset = "docs/page.md", 3
    with pytest.raises(ShinmunError) as raised:
        convert("Text.\n\n@@typescript-file[x](missing.tsx)\n", extension)
    assert str(raised.value).startswith("docs/page.md:6: ")


def test_kept_errors_show_a_box_instead(tmp_path: Path) -> None:
    write_components(tmp_path, "export const broken = (;\n")
    extension = ShinmunHfExtension(project_dir=str(tmp_path), raise_errors=False)
    html = convert("@@typescript-file[hello](components/hello.tsx)\n", extension)
    assert 'class="typescript-error"' in html
    assert "components/lib.ts:1:24" in str(extension.errors[0])
