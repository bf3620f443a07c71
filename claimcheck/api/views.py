"""REST API v1. The only package that imports DRF."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from claimcheck import rubric


class RubricView(APIView):
    """The current rubric, described by its own code."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="The current rating rubric")
    def get(self, request):
        return Response(rubric.describe())
