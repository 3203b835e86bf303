import pytest

from tests.conftest import make_client


@pytest.fixture(scope="module")
def app_client(moto_url, tmp_path_factory):
    """One app for a module of property tests (hypothesis runs many examples per test); its S3 is the emulator."""
    import uuid

    import boto3

    from app.core.config import Settings

    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    files, data = "files-" + uuid.uuid4().hex[:12], "data-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=files)
    s3.create_bucket(Bucket=data)
    settings = Settings(
        aws_region="us-east-1", s3_files_bucket=files, s3_data_bucket=data, app_env="test", aws_endpoint_url=moto_url
    )
    with make_client(settings) as c:
        yield c
