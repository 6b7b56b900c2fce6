using Microsoft.EntityFrameworkCore.Migrations;

namespace Shipping.Api.Migrations;

public partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) { }
}
