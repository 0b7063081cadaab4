"""Error reports that never carry personal data."""

from __future__ import annotations

from typing import Any

from django.views.debug import SafeExceptionReporterFilter


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Hide every form field and every local variable: any of them may hold a name."""

    def is_active(self, request: Any) -> bool:
        return True

    def get_post_parameters(self, request: Any) -> dict[str, str]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return dict.fromkeys(tb_frame.f_locals, self.cleansed_substitute).items()
