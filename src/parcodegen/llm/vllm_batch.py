"""Optional in-process vLLM backend: a whole batch becomes one `LLM.generate` call.

This pays off when the agent sends every active episode's request as one batch: vLLM
schedules them together on the GPU. It needs `pip install 'parcodegen[vllm]'` and a GPU;
`vllm` is imported only when this backend is built. Without a local GPU, run
`vllm serve MODEL` somewhere and use the `openai` backend with its URL instead
(see docs/backends.md). Not exercised by the test suite (no GPU here).
"""

from __future__ import annotations

import time
from typing import Any

from parcodegen.errors import BackendError
from parcodegen.llm.base import LLMRequest, LLMResponse, Usage

INSTALL_HINT = (
    "the 'vllm' backend needs the vllm package and a GPU: pip install 'parcodegen[vllm]'; "
    "or run `vllm serve MODEL` and use the 'openai' backend with "
    "base_url=http://localhost:8000/v1"
)


class VLLMBatchBackend:
    name = "vllm"

    def __init__(
        self,
        model: str,
        *,
        tensor_parallel_size: int = 1,
        max_model_len: int | None = None,
        gpu_memory_utilization: float = 0.9,
        dtype: str = "auto",
        **engine_options: Any,
    ):
        try:
            import vllm
        except ImportError as exc:
            raise BackendError(f"{INSTALL_HINT} ({exc})") from None
        self.model = model
        self._vllm = vllm
        options = dict(engine_options)
        if max_model_len is not None:
            options["max_model_len"] = max_model_len
        self._llm = vllm.LLM(
            model=model,
            tensor_parallel_size=tensor_parallel_size,
            gpu_memory_utilization=gpu_memory_utilization,
            dtype=dtype,
            **options,
        )
        self._tokenizer = self._llm.get_tokenizer()

    def _prompt(self, request: LLMRequest) -> str:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        return self._tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )

    def _params(self, request: LLMRequest) -> Any:
        return self._vllm.SamplingParams(
            n=request.n,
            temperature=request.temperature,
            max_tokens=request.max_tokens,
            seed=request.seed,
        )

    def generate(self, requests: list[LLMRequest]) -> list[LLMResponse]:
        if not requests:
            return []
        start = time.monotonic()
        prompts = [self._prompt(r) for r in requests]
        params = [self._params(r) for r in requests]
        outputs = self._llm.generate(prompts, params, use_tqdm=False)
        latency = time.monotonic() - start
        responses = []
        for out in outputs:
            completions = list(out.outputs)
            usage = Usage(
                prompt_tokens=len(out.prompt_token_ids or ()),
                completion_tokens=sum(len(c.token_ids) for c in completions),
            )
            responses.append(
                LLMResponse(
                    texts=tuple(c.text for c in completions),
                    usage=usage,
                    model=self.model,
                    latency_s=latency,
                )
            )
        return responses
