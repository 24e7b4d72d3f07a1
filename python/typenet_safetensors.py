"""Read and write safetensors files (typenet's model and checkpoint format)
without the `safetensors` package, which Debian 12 does not ship.

    import typenet_safetensors as st
    tensors, metadata = st.load("model.safetensors")          # numpy arrays
    state = st.load_torch("model.safetensors")                # torch tensors, for model.load_state_dict
    st.save("model.safetensors", model.state_dict(), {"format": "pt"})

Only numpy is needed (torch for load_torch and for saving torch tensors).
The format: an 8-byte little-endian header length, a JSON header mapping
each name to its dtype, shape and byte range, then the raw little-endian
data. typenet writes F32 and F64; the reader also takes F16, BF16 (as
float32), and the integer types.
"""
import json
import struct

import numpy as np

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_,
}
_NAMES = {np.dtype(v).str: k for k, v in _DTYPES.items()}
MAX_HEADER = 100_000_000


def load(path):
    """Returns ({name: numpy array}, {metadata key: value})."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > MAX_HEADER or 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} does not fit the file ({len(raw)} bytes)")
    header = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if not 0 <= begin <= end <= len(data):
            raise ValueError(f"{path}: tensor {name}: bytes {begin}..{end} are outside the data")
        dtype = info["dtype"]
        if dtype == "BF16":
            bits = np.frombuffer(data[begin:end], dtype="<u2").astype(np.uint32) << 16
            array = bits.view(np.float32)
        elif dtype in _DTYPES:
            array = np.frombuffer(data[begin:end], dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<"))
        else:
            raise ValueError(f"{path}: tensor {name}: unknown dtype {dtype}")
        shape = info["shape"]
        if array.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"{path}: tensor {name}: {array.size} values for shape {shape}")
        tensors[name] = array.reshape(shape).copy()
    return tensors, metadata


def load_torch(path):
    """The tensors as torch tensors ({name: tensor}), e.g. for load_state_dict."""
    import torch
    tensors, _ = load(path)
    return {k: torch.from_numpy(v) for k, v in tensors.items()}


def save(path, tensors, metadata=None):
    """Writes {name: numpy array or torch tensor} (and string metadata)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        if hasattr(t, "detach"):
            t = t.detach().cpu().numpy()
        a = np.ascontiguousarray(t)
        dtype = _NAMES.get(a.dtype.newbyteorder("<").str) or _NAMES.get(a.dtype.str)
        if dtype is None:
            raise ValueError(f"tensor {name}: dtype {a.dtype} has no safetensors name")
        b = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
