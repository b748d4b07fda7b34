Get-ChildItem -Path C:\temp | ForEach-Object { $_.Name
