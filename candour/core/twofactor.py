"""TOTP two-factor authentication (django-otp): enrolment on first sign-in, then a code each time."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.core.models import User

ISSUER = "Candour"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device a user is enrolling, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def manual_key(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def verify(request, device: TOTPDevice, token: str) -> bool:  # type: ignore[no-untyped-def]
    token = token.replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        return False
    if not device.confirmed:
        from candour.core import services

        services.confirm_two_factor(device)
    otp_login(request, device)
    return True
