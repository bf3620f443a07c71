"""Forms of the staff two-factor enrollment (claimcheck.accounts.views)."""

from django import forms


class EnrollSignInForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
    code = forms.CharField(
        label="Enrollment code",
        max_length=40,
        help_text="The single-use code an administrator issued for your account "
        "(XXXX-XXXX-XXXX-XXXX).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 22}),
    )


class EnrollConfirmForm(forms.Form):
    token = forms.RegexField(
        label="Code from the app",
        regex=r"^\s*\d{6,8}\s*$",
        max_length=12,
        error_messages={"invalid": "Enter the 6-digit code your app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()
