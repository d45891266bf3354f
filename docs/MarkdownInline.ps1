# Markdown inline markup to the text a reader sees, for the help that Get-Help shows as plain text.
# Dot-sourced by ConvertTo-AboutHelpText.ps1 and Repair-MamlHelp.ps1, so both drop the same markup.

function ConvertFrom-MarkdownInline {
    # Bold markers are dropped and links keep their text (and their address, when it is a web
    # address). With -DropCodeSpans the backticks of code spans go too: command help has no
    # monospace to show them in, while an about topic keeps them as its readers expect.
    param([string] $Text, [switch] $DropCodeSpans)
    $Text = [regex]::Replace($Text, '\*\*(.+?)\*\*', '$1')
    if ($DropCodeSpans) {
        $Text = [regex]::Replace($Text, '(`+)(.+?)\1', '$2')
    }
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)')
    return [regex]::Replace($Text, '\[([^\]]+)\]\([^)]*\)', '$1')
}
