"""Small GGUF files written with the gguf package, for tests that need a model file's shape."""

from pathlib import Path

import numpy as np
from gguf import GGUFWriter


def write_gguf(path: Path, name: str = "OpenCodeInterpreter-DS-test", template: str | None = None,
               pre: str | None = None, tensor_bytes: int = 0) -> Path:
    writer = GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_context_length(2048)
    writer.add_block_count(2)
    writer.add_embedding_length(64)
    writer.add_head_count(4)
    writer.add_file_type(15)
    if pre is not None:
        writer.add_tokenizer_pre(pre)
    if template is not None:
        writer.add_chat_template(template)
    if tensor_bytes:
        rng = np.random.default_rng(7)
        writer.add_tensor("blob.weight", rng.standard_normal(tensor_bytes // 4).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
