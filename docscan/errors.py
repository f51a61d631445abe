"""User-visible errors: a stable code plus one sentence in Chinese and in English.

Every error a user can trigger with a bad file or a bad option is a :class:`DocscanError`; the CLI prints
``code: message`` on one line (no traceback unless ``--debug``) and the batch runner stores the code.
"""

from __future__ import annotations

from typing import Any

# code -> (Chinese, English). Messages may contain {detail}.
MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("文件不存在：{detail}", "file not found: {detail}"),
    "unsupported_format": ("不支持的文件类型：{detail}", "unsupported file type: {detail}"),
    "empty_file": ("文件为空：{detail}", "the file is empty: {detail}"),
    "binary_text": ("文件不是文本（疑似二进制数据）：{detail}", "not a text file (looks like binary data): {detail}"),
    "encoding_unknown": ("无法识别文本编码：{detail}", "cannot detect the text encoding: {detail}"),
    "pdf_encrypted": ("PDF 已加密，无法读取：{detail}", "the PDF is encrypted: {detail}"),
    "pdf_corrupt": ("PDF 文件损坏或不完整：{detail}", "the PDF is corrupt or truncated: {detail}"),
    "pdf_no_text": (
        "PDF 没有文字层（疑似扫描件），需要 OCR：{detail}",
        "the PDF has no text layer (scanned?); OCR is needed: {detail}",
    ),
    "docx_corrupt": ("DOCX 文件损坏或不完整：{detail}", "the DOCX is corrupt or truncated: {detail}"),
    "zip_bomb": (
        "压缩包解压后体积异常（疑似压缩炸弹），已拒绝：{detail}",
        "the archive expands to an abnormal size (zip bomb?), refused: {detail}",
    ),
    "ofd_corrupt": ("OFD 文件损坏或不完整：{detail}", "the OFD is corrupt or truncated: {detail}"),
    "html_corrupt": ("HTML 无法解析：{detail}", "cannot parse the HTML: {detail}"),
    "legacy_no_converter": (
        "读取 .doc/.wps 需要安装 LibreOffice（soffice）：{detail}",
        "reading .doc/.wps needs LibreOffice (soffice) installed: {detail}",
    ),
    "legacy_convert_failed": ("LibreOffice 转换失败：{detail}", "LibreOffice conversion failed: {detail}"),
    "too_large": ("文件超过大小上限：{detail}", "the file exceeds the size limit: {detail}"),
    "timeout": ("处理超时：{detail}", "processing timed out: {detail}"),
    "memory_limit": ("内存超过上限：{detail}", "memory limit exceeded: {detail}"),
    "worker_crashed": ("处理进程意外退出：{detail}", "the worker process died: {detail}"),
    "bad_db": ("不是有效的 docscan 结果数据库：{detail}", "not a valid docscan results database: {detail}"),
    "no_text": ("文件中没有可读的文字：{detail}", "no readable text in the file: {detail}"),
    "bad_rules": ("规则文件有误：{detail}", "invalid rule file: {detail}"),
    "bad_config": ("配置文件有误：{detail}", "invalid config file: {detail}"),
    "bad_model": ("模型文件无效或不可信，已拒绝加载：{detail}", "invalid or untrusted model file, refused: {detail}"),
    "bad_corpus": ("语料文件有误：{detail}", "invalid corpus file: {detail}"),
    "needs_pdf": ("--format pdf 需要 PDF 输入文件：{detail}", "--format pdf needs a PDF input: {detail}"),
    "output_failed": ("无法写出结果文件：{detail}", "cannot write the output: {detail}"),
    "bad_duty_list": ("职责清单（准入清单）文件有误：{detail}", "invalid duty list (准入 list) file: {detail}"),
    "internal": ("内部错误：{detail}", "internal error: {detail}"),
}


class DocscanError(Exception):
    """An error with a stable ``code`` and bilingual messages."""

    def __init__(self, code: str, detail: str = "", **extra: Any) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.detail = detail
        self.extra = extra
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        return (zh if lang == "zh" else en).format(detail=self.detail).rstrip("：: ")

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"code": self.code, "message": self.message(lang), "message_en": self.message("en")}
